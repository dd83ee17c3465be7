import { parse } from 'csv-parse/sync';
import { SourceRow } from './types';

/** Some banks write tab-separated text into ".csv"/".xls" files; pick the delimiter that splits the most. */
function guessDelimiter(text: string): string {
  const sample = text.split(/\r?\n/).slice(0, 40).join('\n');
  const count = (ch: string): number => sample.split(ch).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}

export function readCsvRows(text: string): SourceRow[] {
  const records = parse(text, {
    delimiter: guessDelimiter(text),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
    info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ lineNumber: info.lines, cells: record }));
}
