import { normalizeInput } from './normalize';

/**
 * Six digits whose first two name an allocated postal zone (省/区 prefix). Pattern taken from
 * validator.js isPostalCode('CN') (MIT): prefixes such as 14, 48–50, 91–98 were never allocated,
 * so a number starting with them is a typo rather than an address we can mail a certificate to.
 */
const CN_POSTCODE = /^(0[1-7]|1[012356]|2[0-7]|3[0-6]|4[0-7]|5[1-7]|6[1-7]|7[1-5]|8[1345]|9[09])\d{4}$/;

export function isCnPostcode(value: string): boolean {
  return CN_POSTCODE.test(normalizeInput(value));
}
