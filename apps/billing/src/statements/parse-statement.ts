import { readCamt053 } from './camt053-reader';
import { addContentHashes } from './content-hash';
import { readCsvRows } from './csv-reader';
import { detectFormat } from './detect-format';
import { decodeText, TextEncoding } from './encoding';
import { BUILT_IN_PROFILES, ColumnProfile } from './profiles';
import { readTable } from './table-statement';
import { StatementFormatError, StatementParseResult } from './types';
import { readXlsxRows } from './xlsx-reader';

export interface ParseStatementOptions {
  filename?: string;
  contentType?: string;
  /** Force a column profile by name; auto-detected from the header row otherwise. */
  profile?: string;
  /** Extra or replacement profiles (data), tried before the built-in ones. */
  profiles?: readonly ColumnProfile[];
}

/**
 * Lines one import holds in memory at once, with room above the 100,000-line statements the reconcile bench imports.
 * Measured: parsing 270,000 lines took 405 MiB of heap, a 100,000-line import peaked at 348 MiB RSS in billing.
 * A longer CSV statement is refused before it is parsed, with a message saying what to do (camt.053 spends ~30 lines of
 * XML per entry; its size is bounded by the upload limit).
 */
export const MAX_STATEMENT_LINES = 150_000;

function refuseLongCsv(text: string): void {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1 && lines <= MAX_STATEMENT_LINES; i = text.indexOf('\n', i + 1)) lines++;
  if (lines > MAX_STATEMENT_LINES) throw new StatementFormatError(`对账单超过 ${MAX_STATEMENT_LINES} 行的上限：请按月份拆分后分别导入`);
}

/**
 * Entry point: Buffer → normalised lines. Format is detected from content; filename/content type are accepted for
 * callers' logging but deliberately not trusted. Throws StatementFormatError (Chinese message) for unreadable files.
 */
export async function parseStatement(content: Buffer, options: ParseStatementOptions = {}): Promise<StatementParseResult> {
  const profiles = [...(options.profiles ?? []), ...BUILT_IN_PROFILES];
  let decoded: { text: string; encoding: TextEncoding } | undefined;
  const text = (): string => (decoded ??= decodeText(content)).text;
  const format = detectFormat(content, text);
  if (format === 'csv') refuseLongCsv(text());
  if (format === 'camt053') {
    const camt = readCamt053(text());
    return { format, profile: 'camt.053', encoding: decoded?.encoding, ...camt, lines: addContentHashes(camt.lines) };
  }
  const rows = format === 'xlsx' ? await readXlsxRows(content) : readCsvRows(text());
  const table = readTable(rows, options.profile, profiles);
  return {
    format,
    ...(format === 'csv' ? { encoding: decoded?.encoding } : {}),
    ...table,
    lines: addContentHashes(table.lines),
  };
}
