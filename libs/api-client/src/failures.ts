import { ApiError, NetworkError, RateLimitedError } from './errors';

/** What a page (portal or console) needs from any failed call: the API's {code, message, details[]} or a network/rate-limit hint. */
/** A field problem as a form shows it (the rule is optional: network and rate-limit failures have none). */
export interface FailureDetail {
  field: string;
  message: string;
  rule?: string;
}

export interface Failure {
  status: number;
  code: string;
  message: string;
  details: FailureDetail[];
  /** 429 only: when the server allows the next try. */
  retryAfterSeconds?: number;
}

const NETWORK: Failure = { status: 0, code: 'NETWORK', message: '网络连接失败，请检查网络后重试', details: [] };

/** Turns whatever a call threw into a Failure with a Chinese message a person can act on. */
export function toFailure(error: unknown): Failure {
  if (error instanceof RateLimitedError) return { status: 429, code: error.code, message: error.message, details: [], retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message || '操作未成功，请稍后重试', details: [...error.details] };
  if (error instanceof NetworkError || error instanceof TypeError) return NETWORK;
  return { ...NETWORK, code: 'UNKNOWN', message: '操作未成功，请稍后重试' };
}

/** The message shown at the top of a form or page (retry hints for 429, 5xx and network errors). */
export function failureMessage(failure: Failure): string {
  if (failure.status === 0) return NETWORK.message;
  if (failure.status === 429) {
    // The server's message usually says when already (…请57秒后再试); add the hint only when it does not.
    if (failure.message && /秒|稍后/.test(failure.message)) return failure.message;
    const wait = failure.retryAfterSeconds ? `${failure.retryAfterSeconds}秒后` : '稍候片刻再';
    return `${failure.message || '操作过于频繁'}，请${wait}重试`;
  }
  if (failure.status >= 500) return '服务暂时不可用，请稍后重试（您填写的内容已保留）';
  return failure.message;
}

/**
 * Server field problems placed on the form items they name. `fields` maps the API's field names (e.g.
 * `region.districtCode`, `captchaAnswer`) to the form's props; a field the form does not show is left in `rest`.
 */
export function fieldErrors(failure: Failure, fields: Readonly<Record<string, string>>): { byProp: Record<string, string>; rest: string[] } {
  const byProp: Record<string, string> = {};
  const rest: string[] = [];
  for (const d of failure.details) {
    const prop = fields[d.field] ?? fields[d.field.split('.')[0] ?? ''];
    if (prop) byProp[prop] = byProp[prop] ? `${byProp[prop]}；${d.message}` : d.message;
    else rest.push(d.message);
  }
  return { byProp, rest };
}
