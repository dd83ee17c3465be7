import replyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { BodyTooLargeError, limitedStream } from './body-limit';
import { clientIp, peerIsTrustedProxy, type ProxyTrust } from './client-identity';
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarded-headers';
import { gatewayErrorBody, gatewayErrorHandler } from './gateway-errors';
import { bodyPolicyFor, DEFAULT_BODY_LIMIT_BYTES, normalizedPath } from './route-policies';
import { conformingOrMapped, MAX_ERROR_BODY_BYTES, readLimited, upstreamFailure } from './upstream-errors';
import type { Upstream } from './upstreams';

export interface ProxyOptions {
  upstreams: readonly Upstream[];
  timeoutMs: number;
  trustedProxies: ProxyTrust;
  /** Signs the resolved client address for the services (service-kit client-ip.ts). */
  clientIpSecret: string;
  logger: Logger;
}

// OPTIONS is left to @fastify/cors (preflight); HEAD is derived from GET by Fastify.
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const firstHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The scheme the client used, believed from X-Forwarded-Proto only when the direct peer is a trusted proxy. */
const forwardedProto = (request: FastifyRequest, trustedProxies: ProxyTrust): string | undefined => {
  const proto = firstHeader(request.headers['x-forwarded-proto'])?.split(',')[0]?.trim();
  return peerIsTrustedProxy(request, trustedProxies) && (proto === 'http' || proto === 'https') ? proto : undefined;
};

/**
 * Larger limits exist only for file uploads, which are multipart: any other body keeps the default, the same limit the
 * services parse with, so a service never has to cut off a body mid-stream (which would surface as a 502).
 */
const bodyLimitFor = (request: FastifyRequest): number => {
  const policy = bodyPolicyFor(request.method, normalizedPath(request.url));
  const multipart = /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
  return policy && multipart ? policy.bodyLimitBytes : DEFAULT_BODY_LIMIT_BYTES;
};

/**
 * Small bodies are read to the end before they are forwarded. Streamed, a body the service refuses early (401 without a
 * token, 415) is still arriving when the answer comes back, and reply-from then closes the client's connection (it
 * could not carry another request); a client still sending gets EPIPE or a reset instead of the answer — seen as
 * intermittent transport errors in the fuzz suite. Read first, the request is complete before the service sees it.
 * Large uploads keep streaming, so a 20 MB statement is never held in memory.
 */
const BUFFERED_BODY_MAX_BYTES = 256 * 1024;

function readWhole(payload: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        payload.removeAllListeners('data');
        payload.resume(); // the client declared a length; let it finish sending so the 413 reaches it
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => resolve(Buffer.concat(chunks, size)));
    payload.on('error', reject);
  });
}

/**
 * Streams /api/v1/<area>/* to the owning service unchanged in path, query and body. Encapsulated so its
 * pass-through body parser and error handler do not affect the gateway's own routes.
 */
export const proxyPlugin: FastifyPluginAsync<ProxyOptions> = async (instance, options) => {
  const { timeoutMs, trustedProxies, clientIpSecret, logger } = options;
  await instance.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, connect: { timeout: Math.min(timeoutMs, 5000) }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
    // Upstream answers are relayed as they are; retrying non-idempotent calls is the client's decision.
    retryMethods: [],
    destroyAgent: true,
    disableRequestLogging: true,
  });

  const oversized = new WeakSet<FastifyRequest>();
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (request: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void) => {
    const limit = bodyLimitFor(request);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      done(new BodyTooLargeError(limit));
      return;
    }
    if (Number.isFinite(declared) && declared <= BUFFERED_BODY_MAX_BYTES) {
      readWhole(payload, limit).then(
        (body) => done(null, Readable.from([body])),
        (err: Error) => {
          if (err instanceof BodyTooLargeError) oversized.add(request);
          done(err);
        },
      );
      return;
    }
    done(null, limitedStream(payload, limit, () => oversized.add(request)));
  });
  instance.setErrorHandler(gatewayErrorHandler(logger));

  // Reads the upstream headers back from the reply, where reply-from has already copied them.
  const relayError = async (reply: FastifyReply, status: number, stream: Readable, correlationId: string | undefined): Promise<void> => {
    const raw = await readLimited(stream, MAX_ERROR_BODY_BYTES).catch(() => undefined);
    const header = (name: string): string | undefined => {
      const value = reply.getHeader(name);
      return value === undefined ? undefined : String(value);
    };
    const outcome = conformingOrMapped(status, header('content-type'), header('content-encoding'), raw, correlationId);
    if ('passthrough' in outcome) {
      void reply.send(outcome.passthrough);
      return;
    }
    void reply.removeHeader('content-length').removeHeader('content-encoding').header('content-type', 'application/json; charset=utf-8').send(outcome.mapped);
  };

  for (const upstream of options.upstreams) {
    const handler = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const correlationId = request.correlationId ?? '';
      const target = new URL(request.raw.url ?? '/', upstream.baseUrl);
      // URL resolution folds `..`, `%2e%2e` and `\`; a path that leaves the area must not reach the service.
      if (!target.pathname.startsWith(upstream.prefix)) {
        const { body } = gatewayErrorBody({ statusCode: 400 }, correlationId);
        return reply.status(400).send(body);
      }
      const facts = {
        clientIp: clientIp(request, trustedProxies),
        clientIpSecret,
        correlationId,
        proto: forwardedProto(request, trustedProxies) ?? request.protocol,
        host: firstHeader(request.headers.host),
      };
      return reply.from(target.href, {
        timeout: bodyPolicyFor(request.method, normalizedPath(request.url))?.timeoutMs ?? timeoutMs,
        rewriteRequestHeaders: (_req, headers) => upstreamRequestHeaders(headers as IncomingHttpHeaders, facts, target.host),
        rewriteHeaders: (headers) => clientResponseHeaders(headers as IncomingHttpHeaders, correlationId),
        onResponse: (_req, _rep, res) => {
          if (res.statusCode < 400 || request.method === 'HEAD') {
            void reply.send(res.stream);
            return;
          }
          void relayError(reply, res.statusCode, res.stream, correlationId);
        },
        onError: (_rep, { error }) => {
          if (oversized.has(request)) {
            const { status, body } = gatewayErrorBody(new BodyTooLargeError(bodyLimitFor(request)), correlationId);
            void reply.status(status).send(body);
            return;
          }
          const failure = upstreamFailure(error, upstream.area, correlationId);
          logger.warn({ err: error, area: upstream.area, status: failure.status, correlationId }, 'upstream call failed');
          void reply.status(failure.status).header('content-type', 'application/json; charset=utf-8').send(failure.body);
        },
      });
    };
    instance.route({ method: METHODS, url: `${upstream.prefix}*`, handler });
  }
};
