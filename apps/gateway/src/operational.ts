import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { gatewayErrorBody } from './gateway-errors';
import { normalizedPath } from './route-policies';

/** Probes, dashboards and Prometheus: /health/live, /health/ready, /health/upstreams, /metrics. */
export const OPERATIONAL_PATH = /^\/(health|metrics)(\/|$)/;

/** Headers every reverse proxy in front of the gateway adds; kubelet probes and Prometheus scrapes never send them. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

export const cameThroughAProxy = (request: FastifyRequest): boolean => FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined);

/**
 * The operational endpoints answer only callers inside the cluster. The Ingress routes `/` to the gateway, so it
 * cannot leave them out by path; but ingress-nginx always adds X-Forwarded-For, which the kubelet and Prometheus,
 * calling the pod directly, never send. Through the Ingress they are 404, as if absent: no metrics, upstream
 * names or readiness details for the Internet, and no public trigger for the upstream probes.
 */
export function hideOperationalEndpointsFromProxiedCalls(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!OPERATIONAL_PATH.test(normalizedPath(request.url)) || !cameThroughAProxy(request)) return;
    const { status, body } = gatewayErrorBody({ statusCode: 404 }, request.correlationId ?? '');
    await reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });
}
