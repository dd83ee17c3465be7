import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { buildOpenApiDocument } from '@lsc/service-kit';

type Operation = { responses?: Record<string, { content?: Record<string, unknown>; $ref?: string }>; requestBody?: { content?: Record<string, unknown> }; parameters?: Array<{ name: string; in: string }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/**
 * A service's OpenAPI document as /openapi.json serves it, built in Nest's preview mode: the module graph is read but
 * no provider is created, so no database, Redis or Kafka is needed. For tests of what the document declares.
 */
export async function previewOpenApiDocument(module: DynamicModule, title: string): Promise<Document> {
  const app = await NestFactory.create(module, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app, title, 'test') as unknown as Document;
  } finally {
    await app.close().catch(() => undefined);
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * The operations (`GET /path`) whose success answer has no documented body, and those without the
 * {code, message, details[]} error answer: what the generated client would type as `unknown`/`never`.
 * A 204 answer has no body by definition and counts as documented.
 */
export function undocumentedAnswers(document: Document): { success: string[]; errors: string[] } {
  const success: string[] = [];
  const errors: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (!ok.some(([status, r]) => status === '204' || r.content !== undefined)) success.push(name);
      if (!JSON.stringify(op.responses?.default ?? {}).includes('#/components/schemas/ApiErrorBody')) errors.push(name);
    }
  }
  return { success, errors };
}
