import { buildInvoiceDocument, duesItem, SELLER_NAME, type InvoiceDocument, type InvoiceKind } from './invoice-document';

export const SELLER_CREDIT_CODE = '51100000500000138Q';

export function sampleInvoice(kind: InvoiceKind = 'vat_digital_invoice'): InvoiceDocument {
  return buildInvoiceDocument(
    {
      number: '26112000000000000001',
      issuedAt: '2026-09-03T02:00:05.000Z',
      kind,
      buyer: { name: '企业机构测试', creditCode: '91350100M000100Y43' },
      seller: { name: SELLER_NAME, creditCode: SELLER_CREDIT_CODE },
      items: [duesItem({ qualificationName: '企业会员', termStart: '2026-09-03', termEnd: '2028-12-31', years: 3, feePerYearFen: 600000 })],
      remark: '订单号：3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05；银行转账 2026-09-03 北京银行白石桥支行',
      drawer: '李会计',
    },
  );
}
