import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { accessTokenVerifier, LOGGER, REDIS } from '@lsc/service-kit';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { splitList, type GatewayConfig } from './config';
import { proxyTrust, rememberingVerifier } from './client-identity';
import { registerDocs } from './docs';
import { OpenApiAggregator } from './openapi-aggregator';
import { hideOperationalEndpointsFromProxiedCalls } from './operational';
import { proxyPlugin } from './proxy';
import { registerRateLimit } from './rate-limit';
import type { RateLimitPolicy } from './route-policies';
import { registerSecurity } from './security';
import { registerUpstreamHealth } from './upstream-health';
import { upstreamsFrom } from './upstreams';
import { registerWebApps } from './web-apps';

export interface GatewayOverrides {
  rateLimitPolicies?: readonly RateLimitPolicy[];
}

/**
 * Everything that makes the service-kit app a gateway. Order matters: helmet, CORS and the rate limiter hook
 * every route registered after them, which includes the proxy, the docs and Nest's own controllers.
 */
export async function configureGateway(app: NestFastifyApplication, config: GatewayConfig, overrides: GatewayOverrides = {}): Promise<void> {
  const logger = app.get<Logger>(LOGGER);
  const redis = app.get<Redis>(REDIS);
  const upstreams = upstreamsFrom(config);
  const trustedProxies = proxyTrust(splitList(config.TRUSTED_PROXIES));

  hideOperationalEndpointsFromProxiedCalls(app.getHttpAdapter().getInstance());
  await registerSecurity(app, splitList(config.CORS_ORIGINS));
  await registerRateLimit(app, { redis, perMinute: config.RATE_LIMIT_PER_MINUTE, trustedProxies, verifyToken: rememberingVerifier(accessTokenVerifier(config)), policies: overrides.rateLimitPolicies });
  await app.register(proxyPlugin, { upstreams, timeoutMs: config.UPSTREAM_TIMEOUT_MS, trustedProxies, clientIpSecret: config.CLIENT_IP_SECRET, logger });

  const fastify = app.getHttpAdapter().getInstance();
  const aggregator = new OpenApiAggregator(upstreams, logger);
  aggregator.start(config.OPENAPI_REFRESH_MS);
  fastify.addHook('onClose', async () => aggregator.stop());
  registerDocs(fastify, aggregator);
  registerUpstreamHealth(fastify, upstreams);
  const served = await registerWebApps(fastify, [
    { prefix: '/', root: config.PORTAL_DIR },
    { prefix: '/console/', root: config.CONSOLE_DIR },
  ]);
  logger.info({ webApps: served.map((a) => `${a.prefix} ← ${a.root}`) }, served.length > 0 ? 'serving the built front-ends' : 'no built front-end found (npm start builds them)');
}
