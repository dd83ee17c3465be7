import { readCsvRows } from './csv-reader';

describe('readCsvRows', () => {
  it('keeps every row and its file line number when a title block precedes the table', () => {
    const text = '标题\n"多行\n标题",x\n\n日期,金额,备注\n2026-01-01,1,"a\nb"\n2026-01-02,2,c,extra\n合计,3\n';
    expect(readCsvRows(text)).toEqual([
      { lineNumber: 1, cells: ['标题'] },
      { lineNumber: 3, cells: ['多行\n标题', 'x'] },
      { lineNumber: 4, cells: [''] },
      { lineNumber: 5, cells: ['日期', '金额', '备注'] },
      { lineNumber: 7, cells: ['2026-01-01', '1', 'a\nb'] },
      { lineNumber: 8, cells: ['2026-01-02', '2', 'c', 'extra'] },
      { lineNumber: 9, cells: ['合计', '3'] },
    ]);
  });

  it('reads a table without a title block, rows of other widths included', () => {
    expect(readCsvRows('a,b\n1,2\n3\n')).toEqual([
      { lineNumber: 1, cells: ['a', 'b'] },
      { lineNumber: 2, cells: ['1', '2'] },
      { lineNumber: 3, cells: ['3'] },
    ]);
  });

  it('reads tab-separated text', () => {
    expect(readCsvRows('标题\n日期\t金额\n2026-01-01\t1\n').map((r) => r.cells)).toEqual([['标题'], ['日期', '金额'], ['2026-01-01', '1']]);
  });
});
