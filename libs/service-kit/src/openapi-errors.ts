import type { OpenAPIObject } from '@nestjs/swagger';

/** The component every error answer points at: the one `{code, message, details[]}` body of errors.ts (ApiErrorBody). */
export const API_ERROR_SCHEMA = 'ApiErrorBody';

const FIELD_PROBLEM = {
  type: 'object',
  required: ['field', 'rule', 'message'],
  properties: {
    field: { type: 'string', description: '出错的字段（请求体字段名；查询参数、路径参数带 query./path. 前缀）' },
    rule: { type: 'string', description: '未通过的规则' },
    message: { type: 'string', description: '中文提示，点名字段' },
  },
};

const ERROR_BODY = {
  type: 'object',
  required: ['code', 'message', 'details'],
  description: '所有错误应答的统一格式',
  properties: {
    code: { type: 'string', description: '稳定的错误码，如 VALIDATION_FAILED、NOT_FOUND、TOO_MANY_REQUESTS', example: 'VALIDATION_FAILED' },
    message: { type: 'string', description: '给用户看的中文说明', example: '请求参数有误：邮编须为6位数字' },
    details: { type: 'array', items: FIELD_PROBLEM, description: '逐字段的问题（无字段时为空数组）' },
    context: { type: 'object', additionalProperties: true, description: '客户端恢复所需的信息，如 409 QUOTE_CHANGED 时的最新报价' },
    correlationId: { type: 'string', description: '请求关联编号，报障时提供' },
  },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Every operation's error answers, documented once here instead of on each route: the ApiErrorBody schema goes into
 * the components, each 4xx/5xx response a route names (e.g. `@ApiConflictResponse({ description })`) gets it as its
 * content, and every operation gets a `default` response with it — whatever else fails (400 validation, 401, 429,
 * 5xx) answers in this shape, so the generated client types `error` as ApiErrorBody. Mutates and returns the document.
 */
export function documentErrorAnswers(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[API_ERROR_SCHEMA] = ERROR_BODY as never;
  const content = { 'application/json': { schema: { $ref: `#/components/schemas/${API_ERROR_SCHEMA}` } } };
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses ??= {};
      for (const [status, response] of Object.entries(operation.responses)) {
        const answer = response as { content?: unknown; description?: string };
        if (/^[45]\d\d$/.test(status) && !answer.content) answer.content = content;
      }
      operation.responses.default ??= { description: '错误：{code, message, details[]}（400 参数有误、401 未登录、403 无权限、404 不存在、409 冲突、429 请求过于频繁等）', content };
    }
  }
  return document;
}
