import { parse, type Options } from 'csv-parse/sync';
import { SourceRow } from './types';

/** Some banks write tab-separated text into ".csv"/".xls" files; pick the delimiter that splits the most. */
function guessDelimiter(text: string): string {
  const sample = text.split(/\r?\n/).slice(0, 40).join('\n');
  const count = (ch: string): number => sample.split(ch).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}

type ParsedRecord = { record: string[]; info: { lines: number } };
const SAMPLE_LINES = 60;

const parseRecords = (text: string, options: Options): ParsedRecord[] =>
  parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true, info: true, ...options }) as unknown as ParsedRecord[];

/**
 * The line where the table starts: the first record as wide as most records near the top. csv-parse takes the first
 * record's width as the expected one and builds a CsvError (stack trace, JSON copies) for every record of another
 * width; a bank's one-cell title line made that happen for every row — 70% of the parse time of a 100k-line file.
 */
function tableStartLine(text: string, delimiter: string): number | undefined {
  const sample = parseRecords(text, { delimiter, to_line: SAMPLE_LINES });
  const widths = new Map<number, number>();
  for (const { record } of sample) widths.set(record.length, (widths.get(record.length) ?? 0) + 1);
  const [modal] = [...widths.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [];
  const first = sample.find(({ record }) => record.length === modal);
  return first === undefined || first === sample[0] ? undefined : sample[sample.indexOf(first) - 1]!.info.lines + 1;
}

/** Every row with its 1-based line number in the file; the title block (if any) and the table are parsed apart. */
export function readCsvRows(text: string): SourceRow[] {
  const delimiter = guessDelimiter(text);
  const start = tableStartLine(text, delimiter);
  const records = start === undefined ? parseRecords(text, { delimiter }) : [...parseRecords(text, { delimiter, to_line: start - 1 }), ...parseRecords(text, { delimiter, from_line: start })];
  return records.map(({ record, info }) => ({ lineNumber: info.lines, cells: record }));
}
