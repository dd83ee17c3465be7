/** Bank date/time cells → wall-clock Asia/Shanghai date (and time when given). No clock, no time-zone maths. */
export interface ParsedDateTime {
  date: string;
  time?: string;
}

const TIME_PART = String.raw`(?:\s*[T ]?\s*(\d{1,2})(?::|时|點|点)(\d{1,2})(?:(?::|分)(?:(\d{1,2})秒?)?)?)?`;
const SEPARATED = new RegExp(String.raw`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?${TIME_PART}$`);
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const TIME_ONLY = /^(\d{1,2})(?::|时)(\d{1,2})(?:(?::|分)(?:(\d{1,2})秒?)?)?$/;

const pad = (n: number): string => String(n).padStart(2, '0');

function isValidDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

function build(parts: (string | undefined)[]): ParsedDateTime | null {
  const [y, m, d, hh, mm, ss] = parts.map((p) => (p === undefined ? undefined : Number.parseInt(p, 10)));
  if (y === undefined || m === undefined || d === undefined || !isValidDate(y, m, d)) return null;
  const date = `${y}-${pad(m)}-${pad(d)}`;
  if (hh === undefined || mm === undefined) return { date };
  const s = ss ?? 0;
  if (hh > 23 || mm > 59 || s > 59) return null;
  return { date, time: `${pad(hh)}:${pad(mm)}:${pad(s)}` };
}

export function parseDateTime(value: string | number | Date | null | undefined): ParsedDateTime | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    // exceljs maps the serial number to a UTC instant, so the UTC fields are the wall-clock value typed in the sheet.
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const hasTime = value.getUTCHours() + value.getUTCMinutes() + value.getUTCSeconds() > 0;
    return hasTime
      ? { date, time: `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}` }
      : { date };
  }
  const text = String(value).normalize('NFKC').trim();
  const m = SEPARATED.exec(text) ?? COMPACT.exec(text);
  return m ? build(m.slice(1)) : null;
}

/** A time-only cell (e.g. a separate 交易时间 column) → HH:MM:SS. */
export function parseTimeOnly(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return parseDateTime(value)?.time ?? null;
  const text = String(value).normalize('NFKC').trim();
  const m = TIME_ONLY.exec(text);
  if (!m) return null;
  const [hh, mm, ss] = [m[1], m[2], m[3] ?? '0'].map((p) => Number.parseInt(p, 10));
  if (hh > 23 || mm > 59 || ss > 59) return null;
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

export function toShanghaiIso(date: string, time: string): string {
  return `${date}T${time}+08:00`;
}
