/** Calendar dates (Asia/Shanghai, fixed UTC+08:00) as 'YYYY-MM-DD'. Billing's own copy: apps never import each other. */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= dim;
}

/** The Shanghai calendar date of an ISO-8601 instant. */
export function shanghaiDate(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant: ${instant}`);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}
