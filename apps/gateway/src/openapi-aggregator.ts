import type { Logger } from 'pino';
import { asOpenApiDocument, mergeOpenApi, type OpenApiDocument } from './openapi-merge';
import type { Upstream } from './upstreams';

interface Copy {
  document: OpenApiDocument;
  fetchedAt: Date;
}

/**
 * Keeps the merged public API description: fetched from every service at start and then periodically, so
 * a request for the docs never waits on the services; a service that is down keeps its last good copy.
 */
export class OpenApiAggregator {
  private readonly copies = new Map<string, Copy>();
  private readonly failedLastTime = new Set<string>();
  private merged?: OpenApiDocument;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastRefreshAt = 0;

  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly logger: Logger,
    private readonly fetchTimeoutMs = 3000,
    private readonly retryIncompleteMs = 2000,
  ) {}

  start(intervalMs: number): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * The merged document; waits for the very first refresh, and refetches on demand (at most once per
   * `retryIncompleteMs`) while a service's document is missing or stale: right after a start the services come up
   * after the gateway, and the docs (and `npm run api:generate`) should not wait for the periodic refresh.
   */
  async document(): Promise<OpenApiDocument> {
    if (!this.merged || (this.failedLastTime.size > 0 && Date.now() - this.lastRefreshAt >= this.retryIncompleteMs)) await this.refresh();
    return this.merged!;
  }

  refresh(): Promise<void> {
    this.inFlight ??= this.refreshAll().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async refreshAll(): Promise<void> {
    this.lastRefreshAt = Date.now();
    await Promise.all(this.upstreams.map((u) => this.refreshOne(u)));
    const status = { missing: [] as string[], stale: [] as string[] };
    for (const u of this.upstreams) {
      if (!this.copies.has(u.area)) status.missing.push(u.area);
      else if (this.failedLastTime.has(u.area)) status.stale.push(u.area);
    }
    const specs = this.upstreams.flatMap((u) => {
      const copy = this.copies.get(u.area);
      return copy ? [{ area: u.area, prefix: u.prefix, document: copy.document }] : [];
    });
    this.merged = mergeOpenApi(specs, status);
  }

  private async refreshOne(upstream: Upstream): Promise<void> {
    try {
      const response = await fetch(`${upstream.baseUrl}/openapi.json`, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const document = asOpenApiDocument(await response.json());
      if (!document) throw new Error('not an OpenAPI 3 document');
      this.copies.set(upstream.area, { document, fetchedAt: new Date() });
      this.failedLastTime.delete(upstream.area);
    } catch (err) {
      if (!this.failedLastTime.has(upstream.area)) this.logger.warn({ area: upstream.area, err: err instanceof Error ? err.message : String(err) }, 'could not fetch OpenAPI document');
      this.failedLastTime.add(upstream.area);
    }
  }
}
