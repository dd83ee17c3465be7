import type { ApiErrorBody as ServerErrorBody } from '@lsc/service-kit';
import type { FieldProblem as ServerFieldProblem } from '@lsc/contracts';
import { ApiError, apiErrorFrom, RateLimitedError, retryAfterSeconds, type ApiErrorBody, type FieldProblem } from './errors';

// Type-level: the client's copy of the error shape and the server's accept each other (fails `tsc` if either drifts).
type Assignable<To, From extends To> = From;
export type SameErrorShape = [Assignable<ApiErrorBody, ServerErrorBody>, Assignable<ServerErrorBody, ApiErrorBody>, Assignable<FieldProblem, ServerFieldProblem>, Assignable<ServerFieldProblem, FieldProblem>];

const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });

describe('apiErrorFrom', () => {
  it('reads the standard body, keeping only well-formed field problems', () => {
    const error = apiErrorFrom(answer(400), {
      code: 'VALIDATION_FAILED',
      message: '请求参数有误：统一社会信用代码校验位不正确',
      details: [{ field: 'creditCode', rule: 'isCreditCode', message: '统一社会信用代码校验位不正确' }, { nonsense: true }, { field: 'creditCode', rule: 'x', message: '第二条' }],
      correlationId: 'c-1',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(RateLimitedError);
    expect({ status: error.status, code: error.code, message: error.message, correlationId: error.correlationId }).toEqual({ status: 400, code: 'VALIDATION_FAILED', message: '请求参数有误：统一社会信用代码校验位不正确', correlationId: 'c-1' });
    expect(error.details).toHaveLength(2);
    expect(error.fieldMessages()).toEqual({ creditCode: '统一社会信用代码校验位不正确' });
  });

  it('gives a Chinese message for an answer without the standard body', () => {
    const error = apiErrorFrom(answer(502, { 'x-correlation-id': 'c-2' }), '<html>Bad Gateway</html>');
    expect({ code: error.code, message: error.message, details: error.details, correlationId: error.correlationId }).toEqual({ code: 'BAD_GATEWAY', message: '服务暂不可用，请稍后再试', details: [], correlationId: 'c-2' });
    expect(apiErrorFrom(answer(418), undefined).message).toBe('请求失败');
    expect(apiErrorFrom(answer(500), null).code).toBe('INTERNAL');
  });

  it('makes 429 a RateLimitedError with the Retry-After wait', () => {
    const error = apiErrorFrom(answer(429, { 'retry-after': '17' }), { code: 'LOGIN_THROTTLED', message: '登录失败次数过多，请 17 秒后再试', details: [] });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(17);
    expect(error.message).toBe('登录失败次数过多，请 17 秒后再试');
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('Mon, 07 Dec 2026 10:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
