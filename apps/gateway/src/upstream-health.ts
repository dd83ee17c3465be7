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

/**
 * Readiness of every service behind the gateway, for dashboards. It answers 200 even when some are down:
 * the gateway itself is healthy and keeps serving the other areas, which its own /health/ready reflects.
 */
export function registerUpstreamHealth(fastify: FastifyInstance, upstreams: readonly Upstream[], timeoutMs = 2000): void {
  fastify.get('/health/upstreams', async () => {
    const results = await Promise.all(upstreams.map(async (u) => [u.area, await probeUpstream(u, timeoutMs)] as const));
    return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'degraded', upstreams: Object.fromEntries(results) };
  });
}
