/** The Shanghai calendar date of an instant (fixed UTC+08:00), as the services count days. */
export const shanghaiDate = (instant: Date | string | number): string => new Date(new Date(instant).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Whole days from a calendar date to today in Shanghai (never negative: a credit booked "today" is 0 days old). */
export function ageInDays(date: string, now: Date = new Date()): number {
  const today = Date.parse(`${shanghaiDate(now)}T00:00:00Z`);
  const then = Date.parse(`${date}T00:00:00Z`);
  return Math.max(0, Math.round((today - then) / 86_400_000));
}

/** "2026-09-03 10:05" in Shanghai time. */
export const shanghaiDateTime = (instant: string | null | undefined): string => (instant ? new Date(new Date(instant).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '—');
