/**
 * Exponential backoff with ±20 % jitter, so deliveries that failed together (an SMTP outage) do not all return
 * in the same second. attempt is 1 for the first failure.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.min(maxMs, Math.round(exponential * (0.8 + 0.4 * random())));
}
