import { download, get, post, upload } from './client';

export interface OrderSummary {
  orderId: string;
  institutionId: string;
  institutionName: string;
  paymentCode: string;
  transferRemark: string;
  amountDueFen: number;
  amountPaidFen: number;
  status: string;
  statusLabel: string;
  issuedOn: string;
}
export interface Candidate {
  orderId: string;
  score: number;
  reasons: string[];
  order: OrderSummary | null;
}
export interface Transfer {
  transferId: string;
  statementId: string;
  lineNumber: number;
  bankReference: string | null;
  bookedOn: string;
  amountFen: number;
  payerName: string;
  payerAccount: string;
  remark: string;
  status: string;
  statusLabel: string;
  candidates: Candidate[];
  notes: string[];
  allocations: Array<{ orderId: string; amountFen: number; order: OrderSummary | null }>;
  matchMode: string | null;
  matchModeLabel: string;
  confidence: number | null;
  reasons: string[];
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  setAsideReason?: string | null;
  setAsideByName?: string | null;
  setAsideAt?: string | null;
}
export interface TransferDetail extends Transfer {
  history: Array<{ type: string; at: string | null; actor: string | null; actorName: string | null; data: Record<string, unknown> }>;
}
export interface ImportSummary {
  statementId: string;
  filename: string;
  format: string;
  profile: string;
  balanceCheck: string;
  flagged: boolean;
  lines: number;
  credits: number;
  newCredits: number;
  duplicates: number;
  debitsIgnored: number;
  autoMatched: number;
  suggested: number;
  unmatched: number;
  rejected: Array<{ lineNumber: number; reason: string; field?: string; raw?: string }>;
  [key: string]: unknown;
}
export interface StatementRow {
  statementId: string;
  filename: string;
  format: string;
  profile: string;
  balanceCheck: string;
  flagged: boolean;
  lines: number;
  newCredits: number;
  duplicates: number;
  rejectedCount: number;
  autoMatched: number;
  suggested: number;
  unmatched: number;
  uploadedBy: string;
  uploadedAt: string;
}

/** A statement import running in billing's background worker (the upload answers 202 with it at once). */
export interface ImportJob {
  importId: string;
  statementId: string;
  filename: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: { totalLines: number | null; parsedLines: number; creditLines: number | null; persistedLines: number; matchedLines: number; percent: number };
  result: ImportSummary | null;
  error: { code: string; message: string } | null;
}

export const importStatement = (file: File, profile: string, handlers: Parameters<typeof upload>[2]) => {
  const form = new FormData();
  if (profile) form.append('profile', profile);
  form.append('file', file, file.name);
  return upload<ImportJob>('/api/v1/billing/statements', form, handlers);
};
export const importJob = (id: string) => get<ImportJob>('/api/v1/billing/statement-imports/{id}', { path: { id } });
export const statements = () => get<{ items: StatementRow[] }>('/api/v1/billing/statements');
export const transfers = (query: { status?: string; statementId?: string; q?: string; limit?: number; offset?: number }) =>
  get<{ total: number; items: Transfer[] }>('/api/v1/billing/transfers', { query });
export const transfer = (id: string) => get<TransferDetail>('/api/v1/billing/transfers/{id}', { path: { id } });
export const reviewQueue = () => get<{ items: Transfer[] }>('/api/v1/billing/review-queue');
export const unmatchedTransfers = () => get<{ items: Transfer[] }>('/api/v1/billing/unmatched-transfers');
export const confirm = (id: string, orderId: string) => post<unknown>('/api/v1/billing/transfers/{id}/confirmation', { path: { id }, json: { orderId } });
export const reject = (id: string, reason: string) => post<unknown>('/api/v1/billing/transfers/{id}/rejection', { path: { id }, json: { reason } });
export const manualMatch = (id: string, allocations: Array<{ orderId: string; amountFen: number }>) =>
  post<unknown>('/api/v1/billing/transfers/{id}/manual-match', { path: { id }, json: { allocations } });
export const reverse = (id: string, reason: string) => post<unknown>('/api/v1/billing/transfers/{id}/reversal', { path: { id }, json: { reason } });
export const setAside = (id: string, reason: string) => post<{ status: string }>('/api/v1/billing/transfers/{id}/set-aside', { path: { id }, json: { reason } });
export const undoSetAside = (id: string, reason: string) => post<{ status: string }>('/api/v1/billing/transfers/{id}/set-aside/undo', { path: { id }, json: { reason } });
export interface InstitutionHit {
  institutionId: string;
  name: string;
}
export const searchInstitutions = (q: string) => get<{ items: InstitutionHit[] }>('/api/v1/billing/institution-search', { query: { q } });
/** Only the credit and whom to ask: billing mails its own record of the credit (finance only). */
export const requestFollowUp = (id: string, institutionId: string) =>
  post<{ created: boolean; followUp: { followUpId: string; institutionName: string; payerAccountMasked: string } }>('/api/v1/billing/transfers/{id}/follow-ups', { path: { id }, json: { institutionId } });
export const searchOrders = (q: string) => get<{ items: OrderSummary[] }>('/api/v1/billing/order-search', { query: { q } });

export interface ReportJson<T> {
  title: string;
  items: T[];
  totals: Record<string, number>;
}
export type ReceivableRow = { orderId: string; institutionName: string; paymentCode: string; status: string; statusLabel: string; amountDueFen: number; amountPaidFen: number; outstandingFen: number; issuedOn: string; ageDays: number; ageBucket: string };
export type PaymentRow = { transferId: string; bookedOn: string; payerName: string; amountFen: number; mode: string; modeLabel: string; orderId: string; allocatedFen: number; institutionName: string; decidedByName: string | null };
export type UnmatchedRow = { transferId: string; bookedOn: string; payerName: string; payerAccount: string; remark: string; amountFen: number; status: string; statusLabel: string; ageDays: number };

export const receivables = () => get<ReportJson<ReceivableRow>>('/api/v1/billing/reports/receivables');
export const payments = (from?: string, to?: string) => get<ReportJson<PaymentRow>>('/api/v1/billing/reports/payments', { query: { from, to } });
export const unmatchedReport = () => get<ReportJson<UnmatchedRow>>('/api/v1/billing/reports/unmatched-transfers');
export const income = (unit: 'day' | 'month') => get<{ items: Array<{ period: string; amountFen: number; count: number }> }>('/api/v1/billing/reports/income', { query: { unit } });
export const matchRate = () => get<{ items: Array<{ statementId: string; filename: string; uploadedAt: string; auto: number; manual: number; open: number; setAside: number }> }>('/api/v1/billing/reports/match-rate');
export const receivablesByAge = () => get<{ items: Array<{ bucket: string; count: number; outstandingFen: number }> }>('/api/v1/billing/reports/receivables-by-age');

export const REPORT_EXPORTS = {
  receivables: { path: '/api/v1/billing/reports/receivables', name: '应收会费.xlsx' },
  payments: { path: '/api/v1/billing/reports/payments', name: '到账明细.xlsx' },
  unmatched: { path: '/api/v1/billing/reports/unmatched-transfers', name: '未匹配到账.xlsx' },
  statements: { path: '/api/v1/billing/reports/statements', name: '流水导入记录.xlsx' },
} as const;
export const exportReport = (kind: keyof typeof REPORT_EXPORTS, query: Record<string, string | undefined> = {}) =>
  download(REPORT_EXPORTS[kind].path, { query: { ...query, format: 'xlsx' } }, REPORT_EXPORTS[kind].name);

export interface FeeSchedule {
  inEffect: string;
  versions: Array<{ versionId: string; effectiveFrom: string; entries: Array<{ qualificationCode: string; qualificationName: string; tierCode: string; tierName: string; feePerYearFen: number }> }>;
}
export const feeSchedule = () => get<FeeSchedule>('/api/v1/billing/fee-schedule');
export const publishFeeVersion = (body: { versionId: string; effectiveFrom: string; entries: FeeSchedule['versions'][number]['entries']; termPolicy?: { lateJoinCutoff: string | null } }) =>
  post<FeeSchedule>('/api/v1/billing/fee-schedule/versions', { json: body });
export const orderDetail = (id: string) =>
  get<OrderSummary & { invoices: Array<{ invoiceId: string; invoiceNumber: string; documentKind: string; source: string; status: string; amountFen: number; issuedAt: string; correctsInvoiceId: string | null }> }>('/api/v1/billing/orders/{id}', { path: { id } });
export const orders = (query: { status?: string; limit?: number }) => get<{ items: Array<OrderSummary & { issuedAt: string }> }>('/api/v1/billing/orders', { query });
export const invoiceDocument = (invoiceId: string, format: 'pdf' | 'xml', name: string) => download('/api/v1/billing/invoices/{id}/documents/{format}', { path: { id: invoiceId, format } }, name);
export const reissueInvoice = (invoiceId: string, reason: string) => post<unknown>('/api/v1/billing/invoices/{id}/reissue', { path: { id: invoiceId }, json: { reason } });
