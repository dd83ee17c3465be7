import { get } from './client';

export interface Qualifications {
  scheduleVersion: string | null;
  years: { min: number; max: number };
  qualifications: Array<{ code: string; name: string; tiers: Array<{ code: string; name: string; feePerYearFen: number }> }>;
}
export interface Quote {
  feePerYearFen: number;
  years: number;
  amountDueFen: number;
  amountInWords: string;
  validityEnd: string;
  scheduleVersion: string;
  /** The paid term's first day under the schedule's term policy (1 January next year for a late joiner). */
  termStart?: string;
  startsNextYear?: boolean;
}
export interface Order {
  orderId: string;
  applicationId: string;
  qualificationName: string;
  staffTierName: string;
  years: number;
  termStart: string;
  termEnd: string;
  feePerYearFen: number;
  amountDueFen: number;
  amountPaidFen: number;
  remainingFen: number;
  status: string;
  paymentCode: string;
  transferRemark: string;
  invoiceTitle: string;
  issuedAt: string;
  paidOn: string | null;
}
export interface Invoice {
  invoiceId: string;
  invoiceNumber: string;
  documentKind: string;
  orderId: string;
  buyerName: string;
  amountFen: number;
  status: string;
  issuedAt: string;
  documents: Array<{ format: string; contentType: string; size: number }>;
}

export const qualifications = () => get<Qualifications>('/api/v1/billing/qualifications');
export const quote = (q: { qualificationCode: string; staffTierCode: string; years: number }) => get<Quote>('/api/v1/billing/quotes', { query: q });
export const orders = () => get<{ items: Order[] }>('/api/v1/billing/orders');
export const order = (id: string) => get<Order>('/api/v1/billing/orders/{id}', { path: { id } });
export const invoices = () => get<{ items: Invoice[] }>('/api/v1/billing/invoices');
/** The invoice file (PDF/XML) as a Blob: the download needs the access token, so it is fetched, not linked. */
export const invoiceDocument = (id: string, format: string) => get<Blob>('/api/v1/billing/invoices/{id}/documents/{format}', { path: { id, format }, parseAs: 'blob' });
