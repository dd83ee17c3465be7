import { formatInvoiceNumber, InvoiceNumberError, isInvoiceNumber, parseInvoiceNumber } from './invoice-number';

describe('invoice number', () => {
  it('lays out yy + province + channel + 15-digit sequence', () => {
    expect(formatInvoiceNumber({ issueYear: 2026, provinceCode: '11', channel: '2', sequence: 1 })).toBe('26112000000000000001');
    expect(formatInvoiceNumber({ issueYear: 2031, provinceCode: '44', channel: '0', sequence: 999_999_999_999_999 })).toBe('31440999999999999999');
  });

  it('round-trips through parse', () => {
    const number = formatInvoiceNumber({ issueYear: 2027, provinceCode: '11', channel: '2', sequence: 4711 });
    expect(number).toHaveLength(20);
    expect(parseInvoiceNumber(number)).toEqual({ yy: '27', provinceCode: '11', channel: '2', sequence: 4711 });
  });

  it.each([
    [{ issueYear: 1999, provinceCode: '11', channel: '2', sequence: 1 }, /开票年份/],
    [{ issueYear: 2026, provinceCode: '1', channel: '2', sequence: 1 }, /省份代码/],
    [{ issueYear: 2026, provinceCode: '11', channel: '12', sequence: 1 }, /开票渠道/],
    [{ issueYear: 2026, provinceCode: '11', channel: '2', sequence: 0 }, /顺序号/],
    [{ issueYear: 2026, provinceCode: '11', channel: '2', sequence: 1_000_000_000_000_000 }, /顺序号/],
    [{ issueYear: 2026, provinceCode: '11', channel: '2', sequence: 1.5 }, /顺序号/],
  ])('rejects %o', (input, message) => {
    expect(() => formatInvoiceNumber(input)).toThrow(InvoiceNumberError);
    expect(() => formatInvoiceNumber(input)).toThrow(message);
  });

  it.each(['2611200000000000000', '261120000000000000012', '2611200000000000000A', '26112000000000000000'])('refuses to parse %s', (text) => {
    expect(() => parseInvoiceNumber(text)).toThrow(InvoiceNumberError);
    expect(isInvoiceNumber(text)).toBe(false);
  });

  it('recognises a valid number', () => {
    expect(isInvoiceNumber('26112000000000000001')).toBe(true);
  });
});
