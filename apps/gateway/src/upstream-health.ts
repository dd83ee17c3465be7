import type { FastifyInstance } from 'fastify';
import type { Upstream } from './upstreams';

export interface UpstreamHealth {
  status: 'up' | 'down';
  httpStatus?: number;
  latencyMs: number;
  error?: string;
}

export async function probeUpstream(upstream: Upstream, timeoutMs: number): Promise<UpstreamHealth> {
  const started = performance.now();
  try {
    const response = await fetch(`${upstream.baseUrl}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { status: response.ok ? 'up' : 'down', httpStatus: response.status, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}

export interface UpstreamsReport {
  status: 'ok' | 'degraded';
  upstreams: Record<string, UpstreamHealth>;
  checkedAt: string;
}

/**
 * One probe round shared by every caller for `ttlMs`: each round hits every service's /health/ready, which checks its
 * database, Redis and Kafka, so callers (dashboards, several replicas' probes) must not multiply it. Concurrent callers
 * during a round wait for that round instead of starting their own.
 */
export function cachedUpstreamsReport(upstreams: readonly Upstream[], timeoutMs: number, ttlMs: number, now: () => number = Date.now): () => Promise<UpstreamsReport> {
  let last: { at: number; report: Promise<UpstreamsReport> } | undefined;
  const probeAll = async (): Promise<UpstreamsReport> => {
    const results = await Promise.all(upstreams.map(async (u) => [u.area, await probeUpstream(u, timeoutMs)] as const));
    return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'degraded', upstreams: Object.fromEntries(results), checkedAt: new Date(now()).toISOString() };
  };
  return () => {
    if (!last || now() - last.at >= ttlMs) last = { at: now(), report: probeAll() };
    return last.report;
  };
}

/**
 * Readiness of every service behind the gateway, for dashboards, at most `ttlMs` old. It answers 200 even when some
 * are down: the gateway itself is healthy and keeps serving the other areas, which its own /health/ready reflects.
 */
export function registerUpstreamHealth(fastify: FastifyInstance, upstreams: readonly Upstream[], timeoutMs = 2000, ttlMs = 10_000): void {
  const report = cachedUpstreamsReport(upstreams, timeoutMs, ttlMs);
  fastify.get('/health/upstreams', async () => report());
}
