/** Whole calendar days from an instant (taken in Beijing time) to a YYYY-MM-DD date; for expiring events without daysBefore. */
export function daysUntil(at: string, date: string): number {
  const beijing = new Date(Date.parse(at) + 8 * 3600 * 1000);
  const from = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate());
  const [y, m, d] = date.split('-').map(Number);
  return Math.max(0, Math.round((Date.UTC(y, m - 1, d) - from) / 86400000));
}
