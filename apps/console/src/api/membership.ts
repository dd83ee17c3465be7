import { get, post } from './client';

export interface MembershipRow {
  membershipId: string;
  institutionId: string;
  institutionName: string;
  memberNumber: string | null;
  status: string;
  qualificationCode?: string;
  qualificationName?: string;
  termEnd?: string | null;
  [key: string]: unknown;
}
export interface MembershipSearch {
  name?: string;
  memberNumber?: string;
  status?: string;
  provinceCode?: string;
  qualificationCode?: string;
  expiresFrom?: string;
  expiresTo?: string;
  page?: number;
  pageSize?: number;
}
export const searchMemberships = (query: MembershipSearch) => get<{ items: MembershipRow[]; total?: number }>('/api/v1/membership/admin/memberships', { query: query as Record<string, string | number | undefined> });
export const membership = (id: string) => get<Record<string, unknown>>('/api/v1/membership/admin/memberships/{id}', { path: { id } });
export const institutionHistory = (institutionId: string) => get<{ items: Array<Record<string, unknown>> }>('/api/v1/membership/admin/institutions/{institutionId}/history', { path: { institutionId } });
export const certificates = (status: 'due' | 'mailed') => get<{ items: Array<Record<string, unknown>> }>('/api/v1/membership/admin/certificates', { query: { status } });
export const recordMailing = (id: string, carrier: string, trackingNumber: string) =>
  post<unknown>('/api/v1/membership/admin/memberships/{id}/certificate-mailings', { path: { id }, json: { carrier, trackingNumber } });
export const overrideStatus = (id: string, status: string, reason: string) => post<unknown>('/api/v1/membership/admin/memberships/{id}/status-overrides', { path: { id }, json: { status, reason } });
export const runLifecycle = (on?: string) => post<Record<string, unknown>>('/api/v1/membership/admin/lifecycle-runs', { json: on ? { on } : {} });
export const deliveries = (query: Record<string, string | undefined>) => get<{ items: Array<Record<string, unknown>> }>('/api/v1/notification/admin/deliveries', { query });
export const retryDelivery = (id: string) => post<unknown>('/api/v1/notification/admin/deliveries/{id}/retry', { path: { id }, json: {} });
