import { readCamt053 } from './camt053-reader';
import { addContentHashes } from './content-hash';
import { readCsvRows } from './csv-reader';
import { detectFormat } from './detect-format';
import { decodeText, TextEncoding } from './encoding';
import { BUILT_IN_PROFILES, ColumnProfile } from './profiles';
import { readTable } from './table-statement';
import { StatementParseResult } from './types';
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
 * Entry point: Buffer → normalised lines. Format is detected from content; filename/content type are accepted for
 * callers' logging but deliberately not trusted. Throws StatementFormatError (Chinese message) for unreadable files.
 */
export async function parseStatement(content: Buffer, options: ParseStatementOptions = {}): Promise<StatementParseResult> {
  const profiles = [...(options.profiles ?? []), ...BUILT_IN_PROFILES];
  let decoded: { text: string; encoding: TextEncoding } | undefined;
  const text = (): string => (decoded ??= decodeText(content)).text;
  const format = detectFormat(content, text);
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
