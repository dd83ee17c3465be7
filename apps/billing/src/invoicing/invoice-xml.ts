import { XMLBuilder } from 'fast-xml-parser';
import { toChinaDateTime } from './china-time';
import { INVOICE_TITLES, type InvoiceDocument, type TaxRate } from './invoice-document';
import { formatYuan } from './money';

/**
 * 数电票 XML with the element names seen in public parsers (NOTES.md §7); there is no official schema,
 * so this is the structured original we hand out, not a file for the tax bureau.
 */

/** 6 → "0.06", 13 → "0.13", 0 → "0"; built from the integer percent. */
export function formatXmlTaxRate(rate: TaxRate): string {
  if (rate === 'exempt') return '免税';
  if (rate === 0) return '0';
  return `${Math.trunc(rate / 100)}.${String(rate % 100).padStart(2, '0')}`;
}

function timestamp(instant: string): string {
  const t = toChinaDateTime(instant);
  return `${t.date} ${t.time}`;
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

export function renderInvoiceXml(doc: InvoiceDocument): string {
  const issued = timestamp(doc.issuedAt);
  const tree = {
    EInvoice: {
      Header: {
        EIid: doc.number,
        InherentLabel: { EInvoiceType: { LabelCode: doc.kind, LabelName: INVOICE_TITLES[doc.kind] } },
      },
      EInvoiceData: {
        SellerInformation: { SellerIdNum: doc.seller.creditCode, SellerName: doc.seller.name },
        BuyerInformation: { BuyerIdNum: doc.buyer.creditCode, BuyerName: doc.buyer.name },
        BasicInformation: {
          TotalAmWithoutTax: formatYuan(doc.totals.amountFen),
          TotalTaxAm: formatYuan(doc.totals.taxFen),
          'TotalTax-includedAmount': formatYuan(doc.totals.totalFen),
          'TotalTax-includedAmountInChinese': doc.totals.totalInWords,
          Drawer: doc.drawer,
          RequestTime: issued,
        },
        IssuItemInformation: doc.items.map((item) => ({
          ItemName: item.name,
          TaxClassificationCode: item.taxClassificationCode,
          SpecMod: item.spec,
          MeaUnits: item.unit,
          Quantity: String(item.quantity),
          UnPrice: formatYuan(item.unitPriceFen),
          Amount: formatYuan(item.amountFen),
          TaxRate: formatXmlTaxRate(item.taxRate),
          ComTaxAm: formatYuan(item.taxFen),
        })),
        AdditionalInformation: { Remark: doc.remark },
      },
      TaxSupervisionInfo: { InvoiceNumber: doc.number, IssueTime: issued },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(tree) as string}`;
}
