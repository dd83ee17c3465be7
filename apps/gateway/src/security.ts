import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { CORRELATION_HEADER } from '@lsc/service-kit';

/** Security headers on every answer, and CORS only for the configured web origins. */
export async function registerSecurity(app: NestFastifyApplication, corsOrigins: readonly string[]): Promise<void> {
  // helmet itself, built once. @fastify/helmet (13.2) calls helmet(options) again for every request, re-validating and
  // re-serialising the CSP directives: 6 % of the gateway's CPU under `bench -- login`.
  const securityHeaders = helmet({
    // The portal, the console and Swagger UI are served from the gateway itself: scripts only from our own files
    // (Vite emits no inline script), inline styles allowed because Element Plus positions popovers with style="".
    // Images may be data: (QR codes) or blob: (a chosen logo previewed before upload). No upgrade-insecure-requests:
    // on plain-HTTP deployments (the quick start at http://127.0.0.1:3000) it would send every asset to https.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
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
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Session-Transport', CORRELATION_HEADER],
    exposedHeaders: [CORRELATION_HEADER, 'Retry-After', 'ETag', 'Location', 'Content-Disposition', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}
