import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Request-scoped context that follows a unit of work through HTTP handlers, Kafka handlers and logs. */
export interface RequestContext {
  correlationId: string;
  causationId?: string;
  actor?: string;
}

export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(ctx: RequestContext, fn: () => T): T => storage.run(ctx, fn);
export const currentContext = (): RequestContext | undefined => storage.getStore();
export const currentCorrelationId = (): string => storage.getStore()?.correlationId ?? randomUUID();

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** Accepts a caller's correlation id only if it is a short safe token, so logs cannot be forged or bloated. */
export const correlationIdFrom = (header: unknown): string => (typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID());
