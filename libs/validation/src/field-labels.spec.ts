import { fieldLabel } from './field-labels';

describe('fieldLabel', () => {
  it('names API fields in Chinese, nested paths and list items included, and quotes a name it does not know', () => {
    expect(fieldLabel('offset')).toBe('偏移量');
    expect(fieldLabel('entries.0.tierCode')).toBe('收费标准第1项的人员规模代码');
    expect(fieldLabel('quote.feePerYearFen')).toBe('会费报价的会费');
    expect(fieldLabel('frobnicate')).toBe('字段“frobnicate”');
  });
});
