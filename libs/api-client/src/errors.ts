/**
 * What the client throws. Browser-side code: no Node imports here.
 *
 * The wire shape of an error answer is service-kit's ApiErrorBody ({code, message, details[], correlationId}); the
 * services' OpenAPI documents do not describe error bodies, so it is restated here and kept equal to the server's
 * type by errors.spec.ts (a type-level check that fails to compile when either side changes).
 */

/** One problem with one field of the request, e.g. `{field: 'creditCode', rule: 'isCreditCode', message: '…'}`. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details: FieldProblem[];
  correlationId?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isFieldProblem = (v: unknown): v is FieldProblem => isRecord(v) && typeof v.field === 'string' && typeof v.message === 'string';

/** An answer with an error status. `message` is the server's Chinese message, fit to show to the user as it is. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
    readonly correlationId?: string,
  ) {
    super(message);
  }

  /** The first message per field (`details[].field`), to show next to the input it names. */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) out[d.field] ??= d.message;
    return out;
  }
}

/** 429: the caller is sending too fast. `retryAfterSeconds` (from Retry-After) says when to try again, if known. */
export class RateLimitedError extends ApiError {
  override readonly name = 'RateLimitedError';

  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number | undefined,
    correlationId?: string,
  ) {
    super(429, code, message, [], correlationId);
  }
}

/** No answer at all: offline, DNS, connection refused or reset. The request may or may not have reached the server. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(cause: unknown) {
    super('网络连接失败，请检查网络后重试', { cause });
  }
}

// Answers that do not carry the standard body (a proxy's HTML page, an empty 502) still get a Chinese message.
const FALLBACK: Record<number, [string, string]> = {
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '无权执行此操作'],
  404: ['NOT_FOUND', '请求的资源不存在'],
  413: ['PAYLOAD_TOO_LARGE', '请求内容过大'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
  502: ['BAD_GATEWAY', '服务暂不可用，请稍后再试'],
  503: ['UNAVAILABLE', '服务暂不可用，请稍后再试'],
  504: ['GATEWAY_TIMEOUT', '服务响应超时，请稍后再试'],
};

/** Retry-After as seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The error for an answer with status ≥ 400, from its (already parsed) body when it has the standard shape. */
export function apiErrorFrom(response: Pick<Response, 'status' | 'headers'>, body: unknown): ApiError {
  const standard = isRecord(body) && typeof body.code === 'string' && typeof body.message === 'string';
  const [fallbackCode, fallbackMessage] = FALLBACK[response.status] ?? (response.status >= 500 ? ['INTERNAL', '服务器内部错误，请稍后再试'] : ['ERROR', '请求失败']);
  const code = standard ? (body.code as string) : fallbackCode;
  const message = standard ? (body.message as string) : fallbackMessage;
  const correlationId = (standard && typeof body.correlationId === 'string' ? body.correlationId : undefined) ?? response.headers.get('x-correlation-id') ?? undefined;
  if (response.status === 429) return new RateLimitedError(code, message, retryAfterSeconds(response.headers.get('retry-after')), correlationId);
  const details = standard && Array.isArray(body.details) ? body.details.filter(isFieldProblem) : [];
  return new ApiError(response.status, code, message, details, correlationId);
}
