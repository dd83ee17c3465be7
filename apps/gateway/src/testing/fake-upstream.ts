import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
  bodySha256: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void | Promise<void>;

/** A stand-in for a platform service: records what reached it and answers from a route table. */
export class FakeUpstream {
  readonly seen: SeenRequest[] = [];
  private server?: Server;
  private readonly routes = new Map<string, Route>();
  private readonly earlyRoutes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();

  constructor(openapiPaths: string[], schemas: Record<string, unknown> = {}) {
    this.on('GET /openapi.json', (_req, res) =>
      json(res, 200, { openapi: '3.0.0', info: { title: 'fake', version: '1' }, paths: Object.fromEntries(openapiPaths.map((p) => [p, { get: { responses: { '200': { description: 'ok' } } } }])), components: { schemas } }),
    );
    this.on('GET /health/ready', (_req, res) => json(res, 200, { status: 'ok' }));
  }

  /** `key` is "METHOD /path" (query ignored); "* /path" matches every method. */
  on(key: string, route: Route): this {
    this.routes.set(key, route);
    return this;
  }

  /** Answers from the request line and headers alone, without reading the body (as a service refusing a missing token does). */
  answerEarly(key: string, route: (req: IncomingMessage, res: ServerResponse) => void): this {
    this.earlyRoutes.set(key, route);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** On a random free port unless told one (a service coming up where the gateway already expects it). */
  async start(port = 0): Promise<this> {
    // A request the gateway aborts mid-body (e.g. over its size limit) rejects here; that is expected.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const early = this.earlyRoutes.get(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    if (early) return early(req, res);
    const hash = createHash('sha256');
    let bodyLength = 0;
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      bodyLength += (chunk as Buffer).length;
    }
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyLength, bodySha256: hash.digest('hex') };
    this.seen.push(seen);
    const path = (req.url ?? '').split('?')[0];
    const route = this.routes.get(`${req.method} ${path}`) ?? this.routes.get(`* ${path}`);
    if (!route) return json(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${path}`, error: 'Not Found' });
    await route(req, res, seen);
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A client request with the path sent byte for byte (fetch would normalise `..` and forbid Connection). */
export function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
