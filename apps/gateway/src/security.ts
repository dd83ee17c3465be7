import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { CORRELATION_HEADER } from '@lsc/service-kit';

/** Security headers on every answer, and CORS only for the configured web origins. */
export async function registerSecurity(app: NestFastifyApplication, corsOrigins: readonly string[]): Promise<void> {
  // helmet itself, built once. @fastify/helmet (13.2) calls helmet(options) again for every request, re-validating and
  // re-serialising the CSP directives: 6 % of the gateway's CPU under `bench -- login`.
  const securityHeaders = helmet({
    // Swagger UI is served from the gateway itself; its assets are same-origin and it fetches only /api/docs-json.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
  await app.register(fastifyCors, {
    origin: corsOrigins.length > 0 ? [...corsOrigins] : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', 'Idempotency-Key', 'If-Match', 'If-None-Match', CORRELATION_HEADER],
    exposedHeaders: [CORRELATION_HEADER, 'Retry-After', 'ETag', 'Location', 'Content-Disposition', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}
