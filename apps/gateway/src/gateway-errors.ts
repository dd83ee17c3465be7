import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toApiErrorBody, type ApiErrorBody } from '@lsc/service-kit';
import type { Logger } from 'pino';
import { BodyTooLargeError } from './body-limit';

export class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('rate limit exceeded');
    this.name = 'RateLimitedError';
  }
}

const statusOf = (error: unknown): number => {
  const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
};

/** The gateway's own refusals in the platform shape, with the specifics a user can act on. */
export function gatewayErrorBody(error: unknown, correlationId: string | undefined): { status: number; body: ApiErrorBody } {
  const status = statusOf(error);
  if (error instanceof RateLimitedError) {
    return { status, body: { code: 'TOO_MANY_REQUESTS', message: `请求过于频繁，请在 ${error.retryAfterSeconds} 秒后重试`, details: [], correlationId } };
  }
  if (error instanceof BodyTooLargeError) {
    const mb = Math.floor(error.limitBytes / (1024 * 1024));
    return { status, body: { code: 'PAYLOAD_TOO_LARGE', message: `请求内容过大，上限为 ${mb} MB`, details: [], correlationId } };
  }
  return { status, body: { ...toApiErrorBody(status, undefined), correlationId } };
}

export const gatewayErrorHandler =
  (logger: Logger) =>
  (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = gatewayErrorBody(error, request.correlationId);
    if (status >= 500) logger.error({ err: error, url: request.url }, 'gateway request failed');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  };
