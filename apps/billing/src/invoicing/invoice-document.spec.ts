import { buildInvoiceDocument, duesItem, InvoiceDocumentError, SELLER_NAME, taxFor, type InvoiceDocumentInput } from './invoice-document';
import { SELLER_CREDIT_CODE } from './invoice.fixture';

const input: InvoiceDocumentInput = {
  number: '26112000000000000001',
  issuedAt: '2026-09-03T02:00:05.000Z',
  kind: 'dues_receipt',
  buyer: { name: '企业机构测试', creditCode: '91350100M000100Y43' },
  seller: { name: SELLER_NAME, creditCode: SELLER_CREDIT_CODE },
  items: [duesItem({ qualificationName: '企业会员', termStart: '2026-09-03', termEnd: '2028-12-31', years: 3, feePerYearFen: 600000 })],
  remark: '订单号：3e1d2e3f',
  drawer: '李会计',
};

describe('buildInvoiceDocument', () => {
  it('derives line amount, exempt tax and totals in fen', () => {
    const doc = buildInvoiceDocument(input);
    expect(doc.items[0]).toEqual({ name: '*生活服务*单位会员会费', taxClassificationCode: '3079900000000000000', spec: '企业会员 2026-09-03至2028-12-31', unit: '年', quantity: 3, unitPriceFen: 600000, amountFen: 1800000, taxRate: 'exempt', taxFen: 0 });
    expect(doc.totals).toEqual({ amountFen: 1800000, taxFen: 0, totalFen: 1800000, totalInWords: '壹万捌仟元整' });
  });

  it('rounds tax half-up in integer arithmetic', () => {
    expect(taxFor(1800000, 6)).toBe(108000);
    expect(taxFor(25, 6)).toBe(2); // 1.5 fen → 2
    expect(taxFor(24, 6)).toBe(1); // 1.44 fen → 1
    expect(taxFor(999, 'exempt')).toBe(0);
    expect(() => taxFor(100, 6.5)).toThrow(InvoiceDocumentError);
  });

  it.each([
    [{ items: [] }, '至少需要一行'],
    [{ buyer: { name: ' ', creditCode: '91350100M000100Y43' } }, '购买方名称不能为空'],
    [{ buyer: { name: '某馆', creditCode: '123' } }, '购买方统一社会信用代码格式错误'],
    [{ seller: { name: SELLER_NAME, creditCode: 'IIIIIIIIIIIIIIIIII' } }, '销售方统一社会信用代码格式错误'],
    [{ issuedAt: 'yesterday' }, '开票时间无效'],
    [{ items: [{ ...input.items[0], quantity: 0 }] }, '数量必须为正整数'],
    [{ items: [{ ...input.items[0], unitPriceFen: 10.5 }] }, '单价必须为非负整数'],
  ] as const)('rejects %o', (patch, message) => {
    expect(() => buildInvoiceDocument({ ...input, ...patch })).toThrow(message);
  });
});
