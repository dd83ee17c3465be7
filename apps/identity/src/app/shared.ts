import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpStatus } from '@nestjs/common';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { ApiError, currentCorrelationId } from '@lsc/service-kit';

export const metadata = (actor: string, ids: string[] = []): CommandMetadata => ({ now: new Date().toISOString(), actor, correlationId: currentCorrelationId(), ids });

export const captchaInvalid = (): ApiError =>
  new ApiError(HttpStatus.BAD_REQUEST, 'CAPTCHA_INVALID', '校验码错误或已过期，请刷新后重新输入', [{ field: 'captchaAnswer', rule: 'captcha', message: '校验码错误或已过期' }]);

/**
 * The caller's address for per-IP limits: the address the gateway resolved and signed (service-kit's client-ip.ts),
 * else the socket peer. X-Forwarded-For is not believed: whoever reaches the service directly could rotate it.
 */
export const clientIp = (request: FastifyRequest): string => request.clientIp ?? 'unknown';

export const newId = (): string => randomUUID();
