import { isDeepStrictEqual } from 'node:util';

/** The parts of an OpenAPI 3 document the gateway reads; everything else is carried along untouched. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string; description?: string }>;
  security?: unknown[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function asOpenApiDocument(value: unknown): OpenApiDocument | undefined {
  if (!isRecord(value) || typeof value.openapi !== 'string' || !value.openapi.startsWith('3.') || !isRecord(value.paths)) return undefined;
  return value as unknown as OpenApiDocument;
}

export interface ServiceSpec {
  area: string;
  prefix: string;
  document: OpenApiDocument;
}

/** Replaces `#/components/<section>/<old>` references using the renames chosen for one service. */
function renameRefs(value: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === '$ref' && typeof v === 'string' ? (renames.get(v) ?? v) : renameRefs(v, renames);
  return out;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Operation ids must be unique across the merged document (client generators refuse duplicates), but two services may
 * well both have a `FeesController_quote`: like a component clash, the later service's id is prefixed with its area.
 */
function uniqueOperationIds(item: unknown, area: string, seen: Set<string>): unknown {
  if (!isRecord(item)) return item;
  const out: Record<string, unknown> = { ...item };
  for (const method of HTTP_METHODS) {
    const op = item[method];
    if (!isRecord(op) || typeof op.operationId !== 'string') continue;
    const id = seen.has(op.operationId) ? `${area}_${op.operationId}` : op.operationId;
    seen.add(id);
    out[method] = { ...op, operationId: id };
  }
  return out;
}

export interface MergeStatus {
  /** Services whose document has never been fetched: their paths are absent. */
  missing: string[];
  /** Services that failed the latest fetch: their last good document is shown. */
  stale: string[];
}

/**
 * One document for the public API. Each service contributes only paths under its own area prefix, since the
 * gateway would not route anything else to it. Components with the same name and the same definition are
 * shared; a clash of different definitions is resolved by prefixing the later service's name and rewriting
 * its references.
 */
export function mergeOpenApi(specs: readonly ServiceSpec[], status: MergeStatus): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { name: string; description?: string }>();
  const operationIds = new Set<string>();

  for (const { area, prefix, document } of specs) {
    const renames = new Map<string, string>();
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      const target = (components[section] ??= {});
      for (const [name, definition] of Object.entries(entries)) {
        if (name in target && !isDeepStrictEqual(target[name], definition)) renames.set(`#/components/${section}/${name}`, `#/components/${section}/${area}.${name}`);
      }
    }
    const doc = renameRefs(document, renames) as OpenApiDocument;
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      const target = components[section]!;
      for (const [name, definition] of Object.entries(entries)) {
        const finalName = renames.has(`#/components/${section}/${name}`) ? `${area}.${name}` : name;
        target[finalName] = definition;
      }
    }
    for (const [path, item] of Object.entries(doc.paths)) if (path.startsWith(prefix)) paths[path] = uniqueOperationIds(item, area, operationIds);
    for (const tag of doc.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }

  const notes = ['中国图书馆学会 单位会员平台 对外 API（经网关 /api/v1 访问）。'];
  if (status.missing.length > 0) notes.push(`暂缺以下服务的接口说明（服务不可用）：${status.missing.join('、')}。`);
  if (status.stale.length > 0) notes.push(`以下服务本次未能刷新，显示的是上次获取的接口说明：${status.stale.join('、')}。`);
  return {
    openapi: '3.0.0',
    info: { title: '中国图书馆学会 单位会员平台 API', version: '1', description: notes.join('\n\n') },
    servers: [{ url: '/' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
    tags: [...tags.values()],
    security: [{ bearer: [] }],
  };
}
