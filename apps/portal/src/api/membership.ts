import type { components } from '@lsc/api-client';
import { get, post } from './client';

export interface CodeName {
  code: string;
  name: string;
}
export interface MailingAddress {
  recipient: string;
  mobile: string;
  landline?: string;
  region: { provinceCode: string; provinceName?: string; cityCode: string; cityName?: string; districtCode: string; districtName?: string };
  street: string;
  postcode: string;
}
export interface PaymentOrder {
  orderId: string;
  amountDueFen: number;
  amountDueInWords: string;
  method: string;
  payee: { accountName: string; bankName: string; accountNumber: string };
  transferRemark: string;
  paymentCode: string;
}
export interface Application {
  applicationId: string;
  kind: 'new' | 'renewal';
  status: 'draft' | 'submitted' | 'awaiting_payment' | 'paid' | 'cancelled';
  institutionName: string;
  organisationType: string;
  staffTier: CodeName;
  qualification: CodeName;
  feePerYearFen: number;
  years: number;
  amountDueFen: number;
  amountDueInWords: string;
  termStart?: string;
  termEnd?: string;
  mailingAddress?: MailingAddress;
  invoiceTitle?: string;
  creditCode?: string;
  warnings?: string[];
  paymentOrder?: PaymentOrder;
  paidOn?: string;
  cancelledAt?: string;
}
export interface ConfirmationDefaults {
  recipient: string;
  mobile: string;
  landline: string;
  region: MailingAddress['region'] | null;
  street: string;
  postcode: string;
  invoiceTitle: string;
  creditCode: string;
}
export interface Membership {
  status: string;
  membershipId?: string;
  memberNumber?: string;
  memberSince?: string;
  qualification?: CodeName;
  validFrom?: string;
  validTo?: string;
  certificateDue?: boolean;
  pendingApplicationId?: string;
  history: {
    terms: Array<{ applicationId: string; kind: string; years: number; paidOn: string; validFrom: string; validTo: string }>;
    certificates: Array<{ applicationId: string; carrier: string; trackingNumber: string; mailedAt: string }>;
  };
}
export type ApplyInput = components['schemas']['ApplyDto'];
export type ConfirmInput = components['schemas']['ConfirmationDto'];

/** null when the institution has neither a membership nor an open application (404 MEMBERSHIP_NOT_FOUND). */
export async function myMembership(): Promise<Membership | null> {
  try {
    return await get<Membership>('/api/v1/membership/memberships/me');
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw e;
  }
}
export const history = () => get<{ items: Array<{ type: string; at: string; data: unknown; position: string }> }>('/api/v1/membership/institutions/me/history');
export const applications = () => get<{ items: Array<Record<string, unknown>> }>('/api/v1/membership/applications');
export const application = (id: string) => get<Application>('/api/v1/membership/applications/{id}', { path: { id } });
export const confirmationDefaults = (id: string) => get<ConfirmationDefaults>('/api/v1/membership/applications/{id}/confirmation-defaults', { path: { id } });
export const apply = (input: ApplyInput, idempotencyKey: string) => post<Application>('/api/v1/membership/applications', { json: input, headers: { 'idempotency-key': idempotencyKey } });
export const confirm = (id: string, input: ConfirmInput, idempotencyKey: string) =>
  post<Application>('/api/v1/membership/applications/{id}/confirmation', { path: { id }, json: input, headers: { 'idempotency-key': idempotencyKey } });
export const cancel = (id: string, reason: string) => post<Application>('/api/v1/membership/applications/{id}/cancellation', { path: { id }, json: { reason } });
