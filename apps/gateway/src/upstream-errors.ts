import type { Readable } from 'node:stream';
import { toApiErrorBody, type ApiErrorBody } from '@lsc/service-kit';
import type { Area } from './upstreams';

const AREA_NAMES: Record<Area, string> = { identity: '账号服务', membership: '会员服务', billing: '缴费服务', notification: '通知服务' };

const TIMEOUT_CODES = new Set(['FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const codeOf = (error: unknown): string | undefined => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};
const causeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined);

export interface UpstreamFailure {
  status: 502 | 504;
  body: ApiErrorBody;
}

/** A transport failure talking to a service becomes 504 when it was too slow and 502 otherwise. */
export function upstreamFailure(error: unknown, area: Area, correlationId: string | undefined): UpstreamFailure {
  const codes = [codeOf(error), codeOf(causeOf(error)), codeOf(causeOf(causeOf(error)))];
  const timedOut = codes.some((c) => c !== undefined && TIMEOUT_CODES.has(c));
  const name = AREA_NAMES[area];
  return timedOut
    ? { status: 504, body: { code: 'GATEWAY_TIMEOUT', message: `${name}响应超时，请稍后再试`, details: [], correlationId } }
    : { status: 502, body: { code: 'BAD_GATEWAY', message: `${name}暂不可用，请稍后再试`, details: [], correlationId } };
}

/** True when a parsed body already has the platform error shape, so it may be relayed byte for byte. */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string' && Array.isArray(v.details) && (v.correlationId === undefined || typeof v.correlationId === 'string');
}

/** Error bodies larger than this are not anything a service meant for a user; they are replaced. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Reads at most `limit` bytes; returns undefined (and discards the rest) when the body is larger. */
export async function readLimited(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Decides what the client sees for an upstream 4xx/5xx: the upstream bytes when they are JSON in the
 * standard shape, otherwise the standard body for that status (messages from a non-conforming body may be
 * English or leak internals, so they are not copied).
 */
export function conformingOrMapped(status: number, contentType: string | undefined, contentEncoding: string | undefined, raw: Buffer | undefined, correlationId: string | undefined): { passthrough: Buffer } | { mapped: ApiErrorBody } {
  const plain = !contentEncoding || contentEncoding === 'identity';
  if (raw && plain && /^application\/(problem\+)?json\b/i.test(contentType ?? '')) {
    try {
      if (isApiErrorBody(JSON.parse(raw.toString('utf8')))) return { passthrough: raw };
    } catch {
      // not JSON after all: fall through to the mapped body
    }
  }
  return { mapped: { ...toApiErrorBody(status, undefined), correlationId } };
}
