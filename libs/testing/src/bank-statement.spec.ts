import iconv from 'iconv-lite';
import { journeyStatement, yuanText } from './bank-statement';

describe('the journeys\' 北京银行 statement', () => {
  it('writes amounts from integer fen', () => {
    expect(yuanText(1_800_000)).toBe('18,000.00');
    expect(yuanText(5)).toBe('0.05');
    expect(yuanText(123_456_789)).toBe('1,234,567.89');
    expect(yuanText(0)).toBe('0.00');
  });

  it('is GBK with the title block, one unrelated credit and each transfer with the payer\'s remark', () => {
    const text = iconv.decode(journeyStatement('T1', 0, [{ i: 7, name: '安北图书馆', amountDueFen: 1_800_000 }]), 'gbk');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('北京银行对公账户交易明细');
    expect(lines).toHaveLength(9);
    expect(lines[8]).toMatch(/,T1N7,转账,,"18,000\.00",,="6222020200000000007",安北图书馆,中国工商银行北京分行,安北图书馆＋ 会费$/);
  });
});
