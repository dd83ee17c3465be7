import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildInvoiceDocument } from './invoice-document';
import { sampleInvoice } from './invoice.fixture';
import { formatXmlTaxRate, renderInvoiceXml } from './invoice-xml';

const parser = new XMLParser({ parseTagValue: false, processEntities: true, isArray: (name) => name === 'IssuItemInformation' });

interface ParsedXml {
  EInvoice: {
    Header: { EIid: string; InherentLabel: { EInvoiceType: { LabelName: string } } };
    EInvoiceData: {
      SellerInformation: { SellerIdNum: string; SellerName: string };
      BuyerInformation: { BuyerIdNum: string; BuyerName: string };
      BasicInformation: Record<string, string>;
      IssuItemInformation: Record<string, string>[];
      AdditionalInformation: { Remark: string };
    };
    TaxSupervisionInfo: { InvoiceNumber: string; IssueTime: string };
  };
}

describe('renderInvoiceXml', () => {
  it('is well-formed and carries every 数电票 field with decimal amounts', () => {
    const xml = renderInvoiceXml(sampleInvoice());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(XMLValidator.validate(xml)).toBe(true);
    const { EInvoice } = parser.parse(xml) as ParsedXml;
    expect(EInvoice.Header.EIid).toBe('26112000000000000001');
    expect(EInvoice.Header.InherentLabel.EInvoiceType.LabelName).toBe('电子发票（普通发票）');
    expect(EInvoice.EInvoiceData.SellerInformation).toEqual({ SellerIdNum: '51100000500000138Q', SellerName: '中国图书馆学会' });
    expect(EInvoice.EInvoiceData.BuyerInformation).toEqual({ BuyerIdNum: '91350100M000100Y43', BuyerName: '企业机构测试' });
    expect(EInvoice.EInvoiceData.BasicInformation).toEqual({
      TotalAmWithoutTax: '18000.00',
      TotalTaxAm: '0.00',
      'TotalTax-includedAmount': '18000.00',
      'TotalTax-includedAmountInChinese': '壹万捌仟元整',
      Drawer: '李会计',
      RequestTime: '2026-09-03 10:00:05',
    });
    expect(EInvoice.EInvoiceData.IssuItemInformation).toEqual([
      { ItemName: '*生活服务*单位会员会费', TaxClassificationCode: '3079900000000000000', SpecMod: '企业会员 2026-09-03至2028-12-31', MeaUnits: '年', Quantity: '3', UnPrice: '6000.00', Amount: '18000.00', TaxRate: '免税', ComTaxAm: '0.00' },
    ]);
    expect(EInvoice.EInvoiceData.AdditionalInformation.Remark).toContain('3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05');
    expect(EInvoice.TaxSupervisionInfo).toEqual({ InvoiceNumber: '26112000000000000001', IssueTime: '2026-09-03 10:00:05' });
  });

  it('computes taxed lines in integer fen and escapes markup in names', () => {
    const base = sampleInvoice();
    const doc = buildInvoiceDocument(
      { ...base, buyer: { ...base.buyer, name: 'A&B <图书馆>' }, items: [{ name: '*现代服务*培训费', taxClassificationCode: '3040801000000000000', spec: '', unit: '次', quantity: 3, unitPriceFen: 600000, taxRate: 6 }] },
    );
    const xml = renderInvoiceXml(doc);
    expect(xml).toContain('<BuyerName>A&amp;B &lt;图书馆&gt;</BuyerName>');
    const { EInvoice } = parser.parse(xml) as ParsedXml;
    expect(EInvoice.EInvoiceData.BuyerInformation.BuyerName).toBe('A&B <图书馆>');
    expect(EInvoice.EInvoiceData.IssuItemInformation[0]).toMatchObject({ Amount: '18000.00', TaxRate: '0.06', ComTaxAm: '1080.00' });
    expect(EInvoice.EInvoiceData.BasicInformation['TotalTax-includedAmount']).toBe('19080.00');
    expect(EInvoice.EInvoiceData.BasicInformation['TotalTax-includedAmountInChinese']).toBe('壹万玖仟零捌拾元整');
  });

  it.each([
    ['exempt', '免税'],
    [0, '0'],
    [1, '0.01'],
    [13, '0.13'],
  ] as const)('formats tax rate %s as %s', (rate, text) => {
    expect(formatXmlTaxRate(rate)).toBe(text);
  });
});
