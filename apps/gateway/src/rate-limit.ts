import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import type { AccessTokenVerifier } from '@lsc/service-kit';
import { clientIp, verifiedSubject, type ProxyTrust } from './client-identity';
import { RateLimitedError } from './gateway-errors';
import { OPERATIONAL_PATH } from './operational';
import { normalizedPath, rateLimitPolicyFor, SENSITIVE_RATE_LIMITS, type RateLimitPolicy } from './route-policies';

export interface RateLimitOptions {
  redis: Redis;
  perMinute: number;
  trustedProxies: ProxyTrust;
  /** Checks a bearer token before its subject may choose the bucket. */
  verifyToken: AccessTokenVerifier;
  policies?: readonly RateLimitPolicy[];
}

const DEFAULT_BUCKET = 'default';

/**
 * Registers the per-client limit on every route registered after it. The bucket name leads the key so
 * `max` and `timeWindow` can be looked up from the key alone, and sensitive routes count separately.
 */
export async function registerRateLimit(app: NestFastifyApplication, options: RateLimitOptions): Promise<void> {
  const policies = options.policies ?? SENSITIVE_RATE_LIMITS;
  const byName = new Map(policies.map((p) => [p.name, p]));
  const policyOfKey = (key: string): RateLimitPolicy | undefined => byName.get(key.slice(0, key.indexOf('|')));

  const keyGenerator = async (request: FastifyRequest): Promise<string> => {
    const ip = clientIp(request, options.trustedProxies);
    const policy = rateLimitPolicyFor(request.method, normalizedPath(request.url), policies);
    // Login, captcha and SMS are used before a token exists; a forged token must not buy a fresh bucket.
    if (policy) return `${policy.name}|ip:${ip}`;
    const subject = await verifiedSubject(request.headers.authorization, options.verifyToken);
    return subject ? `${DEFAULT_BUCKET}|sub:${subject}` : `${DEFAULT_BUCKET}|ip:${ip}`;
  };

  await app.register(fastifyRateLimit, {
    global: true,
    redis: options.redis,
    nameSpace: 'gateway:rate-limit:',
    // Redis trouble must not take the whole edge down; services keep their own business limits.
    skipOnError: true,
    keyGenerator,
    max: (_request: FastifyRequest, key: string) => policyOfKey(key)?.max ?? options.perMinute,
    timeWindow: (_request: FastifyRequest, key: string) => policyOfKey(key)?.windowMs ?? 60_000,
    // Reachable only from inside the cluster (operational.ts): a probe must never be refused.
    allowList: (request: FastifyRequest) => OPERATIONAL_PATH.test(normalizedPath(request.url)),
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
