/**
 * Payment codes: 5 Crockford base32 payload characters + 1 Crockford mod-37 check symbol, so a mistyped code is
 * detected instead of silently paying someone else's order. 32^5 ≈ 33.5 million codes.
 */
const SYMBOLS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_SYMBOLS = `${SYMBOLS}*~$=U`;
const PAYLOAD_LENGTH = 5;
export const MAX_PAYMENT_CODE_NUMBER = 32 ** PAYLOAD_LENGTH - 1;

export function makePaymentCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAYMENT_CODE_NUMBER) {
    throw new RangeError(`缴费码序号超出范围：${n}`);
  }
  let payload = '';
  let rest = n;
  for (let i = 0; i < PAYLOAD_LENGTH; i++) {
    payload = SYMBOLS[rest % 32] + payload;
    rest = Math.floor(rest / 32);
  }
  return payload + CHECK_SYMBOLS[n % 37];
}

/** Crockford decoding is forgiving: case-insensitive, I/L read as 1 and O as 0. */
export function normalisePaymentCode(code: string): string {
  return code.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function isValidPaymentCode(code: string): boolean {
  const normalised = normalisePaymentCode(code);
  if (normalised.length !== PAYLOAD_LENGTH + 1) return false;
  let n = 0;
  for (const ch of normalised.slice(0, PAYLOAD_LENGTH)) {
    const value = SYMBOLS.indexOf(ch);
    if (value < 0) return false;
    n = n * 32 + value;
  }
  return CHECK_SYMBOLS[n % 37] === normalised[PAYLOAD_LENGTH];
}

export interface CodesInText {
  valid: string[];
  /** Six-character tokens that look like a code but fail the check: most likely a typo. */
  invalid: string[];
}

const RUN = /[0-9A-Z*~$=]+/g;

/**
 * Finds codes in free text even when written in lower case, full width, or split by spaces/hyphens. Runs must be
 * exactly six characters and contain a letter, so amounts, dates and phone numbers are not mistaken for codes.
 */
export function findPaymentCodes(text: string): CodesInText {
  const upper = text.normalize('NFKC').toUpperCase();
  const variants = [upper, upper.replace(/[\s-]+/g, '')];
  const valid = new Set<string>();
  const invalid = new Set<string>();
  for (const variant of variants) {
    for (const match of variant.matchAll(RUN)) {
      const token = match[0];
      if (token.length !== PAYLOAD_LENGTH + 1 || !/[A-Z]/.test(token)) continue;
      if (isValidPaymentCode(token)) valid.add(normalisePaymentCode(token));
      else invalid.add(token);
    }
  }
  for (const code of valid) invalid.delete(code);
  return { valid: [...valid], invalid: [...invalid] };
}
