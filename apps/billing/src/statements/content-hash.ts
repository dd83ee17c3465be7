import { createHash } from 'node:crypto';
import { StatementLine, UnhashedLine } from './types';

const normalise = (s: string | undefined): string => (s ?? '').normalize('NFKC').replace(/\s+/g, '');

/**
 * Duplicate detection across re-imports when the bank gives no reference. Two genuinely identical transfers in one
 * file (same payer, amount, day, remark) must not collapse into one, so the occurrence index is part of the hash;
 * re-importing the same file reproduces the same indices and hence the same hashes.
 */
export function addContentHashes(lines: UnhashedLine[]): StatementLine[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const key = JSON.stringify([
      line.bookedOn,
      line.bookedAt ?? '',
      line.direction,
      line.amountFen,
      normalise(line.payerName),
      normalise(line.payerAccount),
      normalise(line.remark),
      normalise(line.bankReference),
    ]);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const contentHash = createHash('sha256').update(`${key}#${occurrence}`).digest('hex');
    return { ...line, contentHash };
  });
}
