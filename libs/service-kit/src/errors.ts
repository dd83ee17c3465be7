import { ArgumentsHost, BadRequestException, Catch, HttpException, HttpStatus, type ExceptionFilter, type ValidationError } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { FieldProblem } from '@lsc/contracts';
import { ConcurrencyError, DomainError } from '@lsc/event-sourcing';
import { describeValidationErrors, type ValidatedPart } from './validation-problems';

/** The one error shape every HTTP answer uses: a stable code, a Chinese message for end users, and per-field details. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details: FieldProblem[];
  /** What the client needs to recover, e.g. the current quote of a 409 QUOTE_CHANGED. */
  context?: Record<string, unknown>;
  correlationId?: string;
}

export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details: FieldProblem[] = [], context?: Record<string, unknown>) {
    super({ code, message, details, ...(context ? { context } : {}) } satisfies ApiErrorBody, status);
  }
}

/** 400 with every problem in `details`; the summary says each distinct message once (two fields can share one fault). */
export const validationFailed = (details: FieldProblem[]): ApiError =>
  new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', `请求参数有误：${[...new Set(details.map((d) => d.message))].join('；')}`, details);

/** ValidationPipe factory: class-validator errors → 400 with one Chinese problem per fault, each naming its field. */
export const validationExceptionFactory = (errors: ValidationError[], part: ValidatedPart = 'body'): ApiError => validationFailed(describeValidationErrors(errors, part));

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', '请求格式有误'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '无权执行此操作'],
  404: ['NOT_FOUND', '请求的资源不存在'],
  405: ['METHOD_NOT_ALLOWED', '不支持该请求方法'],
  406: ['NOT_ACCEPTABLE', '不支持请求的响应格式'],
  409: ['CONFLICT', '数据已被修改，请刷新后重试'],
  413: ['PAYLOAD_TOO_LARGE', '请求内容过大'],
  415: ['UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型'],
  422: ['UNPROCESSABLE', '请求无法处理'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
  502: ['BAD_GATEWAY', '上游服务暂不可用，请稍后再试'],
  503: ['UNAVAILABLE', '服务暂不可用，请稍后再试'],
  504: ['GATEWAY_TIMEOUT', '上游服务响应超时，请稍后再试'],
};

export function toApiErrorBody(status: number, payload: unknown): ApiErrorBody {
  if (payload && typeof payload === 'object' && 'code' in payload && 'message' in payload) {
    const p = payload as Partial<ApiErrorBody>;
    const context = p.context && typeof p.context === 'object' && !Array.isArray(p.context) ? { context: p.context } : {};
    return { code: String(p.code), message: String(p.message), details: Array.isArray(p.details) ? p.details : [], ...context };
  }
  const [code, message] = DEFAULT_CODES[status] ?? (status >= 500 ? ['INTERNAL', '服务器内部错误，请稍后再试'] : ['ERROR', '请求失败']);
  return { code, message, details: [] };
}

/** Maps any error to {code, message, details}; a 5xx is logged with its stack, never leaked to the client. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<{ correlationId?: string }>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: ApiErrorBody;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      body = toApiErrorBody(status, exception instanceof BadRequestException && typeof response === 'object' && !('code' in response) ? undefined : response);
    } else if (exception instanceof DomainError) {
      // A broken business rule: the request was understood but conflicts with the current state.
      status = exception.code.endsWith('NOT_FOUND') ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
      body = { code: exception.code, message: exception.message, details: [] };
    } else if (exception instanceof ConcurrencyError) {
      status = HttpStatus.CONFLICT;
      body = { code: 'CONCURRENT_MODIFICATION', message: '数据已被他人修改，请刷新后重试', details: [] };
    } else if (isStatusError(exception)) {
      status = exception.statusCode;
      body = toApiErrorBody(status, undefined);
    } else if (isMalformedBody(exception)) {
      status = HttpStatus.BAD_REQUEST;
      body = { code: 'MALFORMED_BODY', message: '请求内容格式有误', details: [] };
    } else {
      body = toApiErrorBody(500, undefined);
    }
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    body.correlationId = request.correlationId;
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

const isStatusError = (e: unknown): e is { statusCode: number } =>
  typeof e === 'object' && e !== null && typeof (e as { statusCode?: unknown }).statusCode === 'number' && (e as { statusCode: number }).statusCode >= 400;

/** A body the parsers could not read (broken multipart, truncated form): the client's fault, never a 500. */
export const isMalformedBody = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code.startsWith('FST_')) return true;
  return typeof message === 'string' && /multipart|boundary|unexpected end of form|malformed part header|content-type/i.test(message);
};
