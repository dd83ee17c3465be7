/**
 * Payment codes: 5 Crockford base-32 payload characters (the order's sequence number) + 1 check character from the
 * same alphabet, so a mistyped code is detected instead of silently paying someone else's order. 32^5 ≈ 33.5 million
 * codes. Only digits and capitals without I, L, O and U appear: bank apps refuse or mangle `$ * ~ =` in 附言, which the
 * first codes' check characters (Crockford's mod-37 check symbols) could be.
 */
const SYMBOLS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PAYLOAD_LENGTH = 5;
export const MAX_PAYMENT_CODE_NUMBER = 32 ** PAYLOAD_LENGTH - 1;

/**
 * The check character: Σ wᵢ·vᵢ over the payload in GF(2⁵) (polynomial x⁵ + x² + 1), with weights α¹…α⁵ for the
 * payload and α⁰ = 1 for the check character itself, so a valid code sums to zero. Every weight is non-zero and all
 * six differ, so every single substitution and every swap of two characters (adjacent or not, check included) changes
 * the sum. A 32-symbol modulus cannot do that with integer arithmetic (32 is not prime); the field can.
 */
const FIELD_POLYNOMIAL = 0b100101;
const gfMultiply = (a: number, b: number): number => {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 0b100000) x ^= FIELD_POLYNOMIAL;
  }
  return product;
};
const WEIGHTS: readonly number[] = Array.from({ length: PAYLOAD_LENGTH }, (_, i) => {
  let weight = 1;
  for (let k = 0; k <= i; k++) weight = gfMultiply(weight, 2); // α = x, a primitive element for this polynomial
  return weight;
});

const checkCharacter = (payload: readonly number[]): string =>
  SYMBOLS[payload.reduce((sum, value, i) => sum ^ gfMultiply(WEIGHTS[i] as number, value), 0)] as string;

/**
 * Codes issued before the switch ended in Crockford's mod-37 check symbol (`0-9A-Z` without I L O U, then `* ~ $ = U`).
 * They are printed on payment orders already sent, so they keep matching; no new code uses them.
 */
const LEGACY_CHECK_SYMBOLS = `${SYMBOLS}*~$=U`;
const legacyCheckCharacter = (n: number): string => LEGACY_CHECK_SYMBOLS[n % 37] as string;

function digitsOf(n: number): number[] {
  const digits: number[] = [];
  for (let rest = n, i = 0; i < PAYLOAD_LENGTH; i++, rest = Math.floor(rest / 32)) digits.unshift(rest % 32);
  return digits;
}

export function makePaymentCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAYMENT_CODE_NUMBER) {
    throw new RangeError(`缴费码序号超出范围：${n}`);
  }
  const payload = digitsOf(n);
  return payload.map((value) => SYMBOLS[value]).join('') + checkCharacter(payload);
}

/**
 * The code for the next sequence number whose code contains a letter: findPaymentCodes ignores six-digit runs (dates,
 * amounts and phone numbers look like that), so an all-digit code could never be found in a remark. About one number
 * in eighty is skipped.
 */
export async function issuePaymentCode(nextNumber: () => Promise<number>): Promise<string> {
  for (;;) {
    const code = makePaymentCode(await nextNumber());
    if (/[A-Z]/.test(code)) return code;
  }
}

/** The code a payment order issued before the alphabet change carries for sequence number n (for tests and support). */
export function makeLegacyPaymentCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAYMENT_CODE_NUMBER) throw new RangeError(`缴费码序号超出范围：${n}`);
  return digitsOf(n).map((value) => SYMBOLS[value]).join('') + legacyCheckCharacter(n);
}

/** Crockford decoding is forgiving: case-insensitive, I/L read as 1 and O as 0; spaces and hyphens are dropped. */
export function normalisePaymentCode(code: string): string {
  return code.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** True for a current code and for a code issued before the alphabet change, typed forgivingly (see normalisePaymentCode). */
export function isValidPaymentCode(code: string): boolean {
  const normalised = normalisePaymentCode(code);
  if (normalised.length !== PAYLOAD_LENGTH + 1) return false;
  const payload = [...normalised.slice(0, PAYLOAD_LENGTH)].map((ch) => SYMBOLS.indexOf(ch));
  if (payload.some((value) => value < 0)) return false;
  const check = normalised[PAYLOAD_LENGTH];
  return check === checkCharacter(payload) || check === legacyCheckCharacter(payload.reduce((n, value) => n * 32 + value, 0));
}

export interface CodesInText {
  valid: string[];
  /** Six-character tokens that look like a code but fail the check: most likely a typo. */
  invalid: string[];
}

// `* ~ $ =` only for codes issued before the alphabet change.
const RUN = /[0-9A-Z*~$=]+/g;

/**
 * Finds codes in free text even when written in lower case, full width, or split by spaces/hyphens. Runs must be
 * exactly six characters and contain a letter (or a legacy check symbol), so amounts, dates and phone numbers are not
 * mistaken for codes.
 */
export function findPaymentCodes(text: string): CodesInText {
  const upper = text.normalize('NFKC').toUpperCase();
  const variants = [upper, upper.replace(/[\s-]+/g, '')];
  const valid = new Set<string>();
  const invalid = new Set<string>();
  for (const variant of variants) {
    for (const match of variant.matchAll(RUN)) {
      const token = match[0];
      // A letter, or a legacy check symbol (00109$ has no letter but is no number either).
      if (token.length !== PAYLOAD_LENGTH + 1 || !/[A-Z*~$=]/.test(token)) continue;
      if (isValidPaymentCode(token)) valid.add(normalisePaymentCode(token));
      else invalid.add(token);
    }
  }
  for (const code of valid) invalid.delete(code);
  return { valid: [...valid], invalid: [...invalid] };
}
