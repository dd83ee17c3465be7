import { normalizeInput } from './normalize';

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/;

/**
 * Canonical 11-digit mainland mobile number, or null when the input is not one.
 * Accepts what people paste: spaces or hyphens between groups and a +86 / 0086 country prefix.
 */
export function normalizeMobile(value: string): string | null {
  const digits = normalizeInput(value)
    .replace(/[\s-]/gu, '')
    .replace(/^(\+86|0086)/u, '');
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

export function isCnMobile(value: string): boolean {
  return normalizeMobile(value) !== null;
}

/** 电话/传真 in the form the registration page asks for: 区号-号码, optionally -分机. */
export function isCnLandline(value: string): boolean {
  return LANDLINE.test(normalizeInput(value));
}
