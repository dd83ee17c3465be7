/** China has had no DST since 1991, so Asia/Shanghai is a fixed +08:00 and needs no tz database. */
const OFFSET_MS = 8 * 60 * 60 * 1000;

export interface ChinaDateTime {
  /** 2026-09-03 */
  readonly date: string;
  /** 10:00:05 */
  readonly time: string;
  /** 2026年09月03日 */
  readonly chineseDate: string;
}

export function toChinaDateTime(instant: string): ChinaDateTime {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`无效的时间：${instant}`);
  const d = new Date(ms + OFFSET_MS);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const [y, mo, day] = [String(d.getUTCFullYear()), p2(d.getUTCMonth() + 1), p2(d.getUTCDate())];
  return {
    date: `${y}-${mo}-${day}`,
    time: `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    chineseDate: `${y}年${mo}月${day}日`,
  };
}
