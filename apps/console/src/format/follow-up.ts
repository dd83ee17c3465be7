/**
 * The payer account as the follow-up mail shows it: `****` and the last four characters (billing masks the mail the
 * same way, domain/transfer-follow-up.ts). Separators are not characters of the number.
 */
export function maskedAccount(account: string): string {
  const chars = account.replace(/[^0-9A-Za-z]/g, '');
  return chars ? `****${chars.slice(-4)}` : '';
}
