import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpStatus } from '@nestjs/common';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { ApiError, currentCorrelationId } from '@lsc/service-kit';

export const metadata = (actor: string, ids: string[] = []): CommandMetadata => ({ now: new Date().toISOString(), actor, correlationId: currentCorrelationId(), ids });

export const captchaInvalid = (): ApiError =>
  new ApiError(HttpStatus.BAD_REQUEST, 'CAPTCHA_INVALID', '校验码错误或已过期，请刷新后重新输入', [{ field: 'captchaAnswer', rule: 'captcha', message: '校验码错误或已过期' }]);

/**
 * The caller's address for per-IP limits: the first X-Forwarded-For hop (the gateway appends, the client is first),
 * else the socket peer. Only the gateway can reach the service in deployment, so the header is the gateway's.
 */
export function clientIp(request: FastifyRequest): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first && first.length <= 64 ? first : request.ip;
}

export const newId = (): string => randomUUID();
