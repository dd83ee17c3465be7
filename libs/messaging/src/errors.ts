import { ContractViolation } from '@lsc/contracts';
import { DomainError } from '@lsc/event-sourcing';

/** A message that can never be handled as it is (bad data, a rule it breaks): retrying cannot help. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

export type ErrorClass = 'permanent' | 'transient';

/** Invalid contracts and broken rules go to the dead-letter topic; anything else (I/O, locks, outages) is retried. */
export function classifyError(err: unknown): ErrorClass {
  if (err instanceof PermanentError || err instanceof ContractViolation || err instanceof DomainError) return 'permanent';
  if (err instanceof SyntaxError || err instanceof TypeError || err instanceof RangeError) return 'permanent';
  const code = (err as { code?: unknown })?.code;
  // PostgreSQL data errors (class 22) and integrity violations other than unique (class 23) are about the data.
  if (typeof code === 'string' && (code.startsWith('22') || (code.startsWith('23') && code !== '23505'))) return 'permanent';
  return 'transient';
}

export const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);
