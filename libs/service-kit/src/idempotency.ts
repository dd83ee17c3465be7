import { createHash } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { from, Observable, of, switchMap, tap, catchError, throwError } from 'rxjs';
import { ApiError } from './errors';
import { REDIS } from './infrastructure';

const HEADER = 'idempotency-key';
const TTL_SECONDS = 24 * 3600;
// A process killed mid-request never clears its claim; it must lapse soon so the client's retry can run (found by the
// chaos suite: a SIGKILLed service left keys answering 409 REQUEST_IN_PROGRESS for a day). Longer than any request.
const IN_PROGRESS_TTL_SECONDS = 120;
const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,100}$/;

interface StoredResponse {
  state: 'done';
  fingerprint: string;
  status: number;
  body: unknown;
}
interface InProgress {
  state: 'in_progress';
  fingerprint: string;
}

/**
 * Creating POSTs accept an `Idempotency-Key`: the first request's response is kept 24 h and replayed for the same key
 * (same caller, same route, same body); a different body under the same key is refused; a concurrent duplicate gets 409.
 * Errors are not stored, so a failed request can be retried with the same key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'Idempotency-Key 须为8-100位字母、数字或 ._:- 字符', [{ field: 'Idempotency-Key', rule: 'pattern', message: 'Idempotency-Key 格式不正确' }]);
    }
    // Anonymous callers by the address the gateway signed (client-ip.ts), not a forgeable X-Forwarded-For.
    const caller = request.principal?.sub ?? request.clientIp ?? request.ip;
    const redisKey = `idem:${createHash('sha256').update(`${caller}|${request.routeOptions?.url ?? request.url}|${key}`).digest('hex')}`;
    const fingerprint = createHash('sha256').update(fingerprintOf(request.body)).digest('hex');
    const claim: InProgress = { state: 'in_progress', fingerprint };
    return from(this.redis.set(redisKey, JSON.stringify(claim), 'EX', IN_PROGRESS_TTL_SECONDS, 'NX')).pipe(
      switchMap((claimed) => {
        if (claimed) {
          return next.handle().pipe(
            tap((body) => void this.redis.set(redisKey, JSON.stringify({ state: 'done', fingerprint, status: reply.statusCode, body } satisfies StoredResponse), 'EX', TTL_SECONDS)),
            catchError((err: unknown) => from(this.redis.del(redisKey)).pipe(switchMap(() => throwError(() => err)))),
          );
        }
        return from(this.redis.get(redisKey)).pipe(
          switchMap((raw) => {
            const stored = raw ? (JSON.parse(raw) as StoredResponse | InProgress) : undefined;
            if (!stored) return next.handle();
            if (stored.fingerprint !== fingerprint) throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于内容不同的请求');
            if (stored.state === 'in_progress') throw new ApiError(409, 'REQUEST_IN_PROGRESS', '相同的请求正在处理中，请稍后再试');
            void reply.status(stored.status).header('idempotent-replayed', 'true');
            return of(stored.body);
          }),
        );
      }),
    );
  }
}

function fingerprintOf(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (Buffer.isBuffer(body)) return body.toString('base64');
  try {
    return JSON.stringify(body);
  } catch {
    return String(body);
  }
}
