import type { components } from '@lsc/api-client';
import { download, get, post, upload } from './client';

/** Answer types come from the generated OpenAPI description (billing's documented views). */
type Schemas = components['schemas'];
export type OrderSummary = Schemas['OrderSummaryView'];
export type Candidate = Schemas['CandidateView'];
export type Transfer = Schemas['TransferView'];
export type TransferDetail = Schemas['TransferDetailView'];
export type ImportSummary = Schemas['ImportSummaryView'];
export type StatementRow = Schemas['StatementRowView'];
export type Invoice = Schemas['InvoiceView'];
/** What a confirmation or match answers: `pending_approval` when it waits for a second finance user. */
export type DecisionResult = Schemas['TransferDecisionView'];

/** A statement import running in billing's background worker (the upload answers 202 with it at once). */
export type ImportJob = Schemas['ImportJobView'];

export const importStatement = (file: File, profile: string, handlers: Parameters<typeof upload>[2]) => {
  const form = new FormData();
  if (profile) form.append('profile', profile);
  form.append('file', file, file.name);
  return upload('/api/v1/billing/statements', form, handlers);
};
export const importJob = (id: string) => get('/api/v1/billing/statement-imports/{id}', { path: { id } });
export const statements = () => get('/api/v1/billing/statements');
export const transfers = (query: { status?: string; statementId?: string; q?: string; limit?: number; offset?: number }) =>
  get('/api/v1/billing/transfers', { query });
export const transfer = (id: string) => get('/api/v1/billing/transfers/{id}', { path: { id } });
export const reviewQueue = () => get('/api/v1/billing/review-queue');
export const unmatchedTransfers = () => get('/api/v1/billing/unmatched-transfers');
export const confirm = (id: string, orderId: string) => post('/api/v1/billing/transfers/{id}/confirmation', { path: { id }, json: { orderId } });
export const reject = (id: string, reason: string) => post('/api/v1/billing/transfers/{id}/rejection', { path: { id }, json: { reason } });
export const manualMatch = (id: string, allocations: Array<{ orderId: string; amountFen: number }>) =>
  post('/api/v1/billing/transfers/{id}/manual-match', { path: { id }, json: { allocations } });
/** 双人复核: a second finance user books the pending match, or sends it back with a reason. */
export const approveMatch = (id: string) => post('/api/v1/billing/transfers/{id}/approval', { path: { id }, json: {} });
export const rejectProposedMatch = (id: string, reason: string) => post('/api/v1/billing/transfers/{id}/approval-rejection', { path: { id }, json: { reason } });
export const reverse = (id: string, reason: string) => post('/api/v1/billing/transfers/{id}/reversal', { path: { id }, json: { reason } });
export const setAside = (id: string, reason: string) => post('/api/v1/billing/transfers/{id}/set-aside', { path: { id }, json: { reason } });
export const undoSetAside = (id: string, reason: string) => post('/api/v1/billing/transfers/{id}/set-aside/undo', { path: { id }, json: { reason } });
export type InstitutionHit = Schemas['InstitutionHitView'];
export const searchInstitutions = (q: string) => get('/api/v1/billing/institution-search', { query: { q } });
/** Only the credit and whom to ask: billing mails its own record of the credit (finance only). */
export const requestFollowUp = (id: string, institutionId: string) => post('/api/v1/billing/transfers/{id}/follow-ups', { path: { id }, json: { institutionId } });
export const searchOrders = (q: string) => get('/api/v1/billing/order-search', { query: { q } });

export type ReceivablesReport = Schemas['ReceivablesReportView'];
export type PaymentsReport = Schemas['PaymentsReportView'];
export type UnmatchedReport = Schemas['UnmatchedReportView'];
export type ReceivableRow = Schemas['ReceivableRowView'];
export type PaymentRow = Schemas['PaymentRowView'];
export type UnmatchedRow = Schemas['UnmatchedRowView'];

export const receivables = () => get('/api/v1/billing/reports/receivables');
export const payments = (from?: string, to?: string) => get('/api/v1/billing/reports/payments', { query: { from, to } });
export const unmatchedReport = () => get('/api/v1/billing/reports/unmatched-transfers');
export const income = (unit: 'day' | 'month') => get('/api/v1/billing/reports/income', { query: { unit } });
export const matchRate = () => get('/api/v1/billing/reports/match-rate');
export const receivablesByAge = () => get('/api/v1/billing/reports/receivables-by-age');

export const REPORT_EXPORTS = {
  receivables: { path: '/api/v1/billing/reports/receivables', name: '应收会费.xlsx' },
  payments: { path: '/api/v1/billing/reports/payments', name: '到账明细.xlsx' },
  unmatched: { path: '/api/v1/billing/reports/unmatched-transfers', name: '未匹配到账.xlsx' },
  statements: { path: '/api/v1/billing/reports/statements', name: '流水导入记录.xlsx' },
} as const;
export const exportReport = (kind: keyof typeof REPORT_EXPORTS, query: Record<string, string | undefined> = {}) =>
  download(REPORT_EXPORTS[kind].path, { query: { ...query, format: 'xlsx' } }, REPORT_EXPORTS[kind].name);

export type FeeSchedule = Schemas['FeeScheduleView'];
export const feeSchedule = () => get('/api/v1/billing/fee-schedule');
export const publishFeeVersion = (body: Schemas['PublishVersionDto']) =>
  post('/api/v1/billing/fee-schedule/versions', { json: body });
export const orderDetail = (id: string) =>
  get('/api/v1/billing/orders/{id}', { path: { id } });
export const orders = (query: { status?: string; limit?: number }) => get('/api/v1/billing/orders', { query });
export const invoices = () => get('/api/v1/billing/invoices');
export const invoiceDocument = (invoiceId: string, format: Invoice['documents'][number]['format'], name: string) => download('/api/v1/billing/invoices/{id}/documents/{format}', { path: { id: invoiceId, format } }, name);
export const reissueInvoice = (invoiceId: string, reason: string) => post('/api/v1/billing/invoices/{id}/reissue', { path: { id: invoiceId }, json: { reason } });
