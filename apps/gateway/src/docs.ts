import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenApiAggregator } from './openapi-aggregator';

const DOCS = '/api/docs';

// swagger-ui-dist arrives with @nestjs/swagger; serving its few files directly avoids @fastify/static.
const ASSET_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8">
    <title>中国图书馆学会 单位会员平台 API</title>
    <link rel="stylesheet" type="text/css" href="${DOCS}/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="${DOCS}/index.css" />
    <link rel="icon" type="image/png" href="${DOCS}/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="${DOCS}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>`;

// A separate script rather than inline, so the Content-Security-Policy can forbid inline scripts.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '${DOCS}-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout'
  });
};`;

/** Swagger UI at /api/docs over the aggregated document at /api/docs-json. */
export function registerDocs(fastify: FastifyInstance, aggregator: OpenApiAggregator): void {
  fastify.get(`${DOCS}-json`, async () => aggregator.document());
  fastify.get(DOCS, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get(`${DOCS}/swagger-initializer.js`, async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(INITIALIZER));
  for (const [file, type] of Object.entries(ASSETS)) {
    fastify.get(`${DOCS}/${file}`, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=86400').send(createReadStream(join(ASSET_DIR, file))));
  }
}
