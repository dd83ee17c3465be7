import { amountInWords, fenAsYuanText } from '@lsc/validation';
import { PORTAL_ROUTES } from './portal-links';

/** Template helpers; all money arrives as integer fen and is formatted without floating point. */

export function yuan(fen: unknown): string {
  if (typeof fen !== 'number' || !Number.isSafeInteger(fen)) throw new TypeError(`yuan helper expects integer fen, got ${String(fen)}`);
  return fenAsYuanText(fen);
}

export function yuanInWords(fen: unknown): string {
  if (typeof fen !== 'number') throw new TypeError(`words helper expects integer fen, got ${String(fen)}`);
  return amountInWords(fen);
}

/** Calendar date "2026-09-03" → "2026年9月3日" (no time zone: it already is a Chinese calendar date). */
export function chineseDate(value: unknown): string {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  if (!m) throw new TypeError(`date helper expects YYYY-MM-DD, got ${String(value)}`);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** ISO instant → Beijing time "2026年9月1日 09:05"; China has no DST, so a fixed +8 h is exact. */
export function chineseDateTime(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`datetime helper expects an ISO instant, got ${String(value)}`);
  const d = new Date(ms + 8 * 3600 * 1000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}

interface AddressLike {
  region: { provinceName: string; cityName: string; districtName: string };
  street: string;
  postcode: string;
}

function isAddress(value: unknown): value is AddressLike {
  return typeof value === 'object' && value !== null && 'region' in value && 'street' in value;
}

/** Province + city + district + street, dropping a city that merely repeats the province (直辖市). */
export function fullAddress(value: unknown): string {
  if (!isAddress(value)) throw new TypeError('address helper expects a mailing address');
  const { provinceName, cityName, districtName } = value.region;
  const city = cityName === provinceName || cityName === '市辖区' ? '' : cityName;
  return `${provinceName}${city}${districtName}${value.street}`;
}

/** "invoices/26112000000000000001.pdf" → "26112000000000000001.pdf": the name the mail attachment will carry. */
export function basename(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('basename helper expects a string');
  return value.slice(value.lastIndexOf('/') + 1);
}

/** Equality for {{#if (eq a b)}}; Handlebars has no built-in comparison. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}

/**
 * {{portal "payment" applicationId}}: the address of a portal page (PORTAL_ROUTES, the one route table the mails'
 * action buttons use too) under the mail's portal address, taken from the template's root data.
 */
export function portalPage(route: unknown, ...rest: unknown[]): string {
  const options = rest.pop() as { data?: { root?: { portalUrl?: unknown } } } | undefined;
  const base = options?.data?.root?.portalUrl;
  if (typeof base !== 'string' || !/^https?:\/\//.test(base)) throw new TypeError(`portal helper needs the mail's portalUrl, got ${String(base)}`);
  const page = typeof route === 'string' && Object.hasOwn(PORTAL_ROUTES, route) ? PORTAL_ROUTES[route as keyof typeof PORTAL_ROUTES] : undefined;
  if (page === undefined) throw new TypeError(`portal helper: unknown page ${String(route)}`);
  let path: string;
  if (typeof page === 'function') {
    const [id] = rest;
    if (typeof id !== 'string' || id.length === 0) throw new TypeError(`portal helper: page ${String(route)} needs an id, got ${String(id)}`);
    path = page(id);
  } else {
    path = page;
  }
  return base.replace(/\/+$/, '') + path;
}

/**
 * {{#if (startsAfter termStart submittedAt)}}: the paid term starts after the (Asia/Shanghai) day the application was
 * confirmed, i.e. a December joiner's term deferred to 1 January under the fee schedule's late-join cut-off.
 */
export function startsAfter(date: unknown, instant: unknown): boolean {
  if (typeof date !== 'string' || typeof instant !== 'string') return false;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return false;
  return date > new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

export const templateHelpers = { eq, yuan, words: yuanInWords, date: chineseDate, datetime: chineseDateTime, address: fullAddress, basename, portal: portalPage, startsAfter };
