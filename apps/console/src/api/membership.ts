import type { components, QueryOf } from '@lsc/api-client';
import { get, post } from './client';

/** Answer types come from the generated OpenAPI description (membership's documented views). */
type Schemas = components['schemas'];
export type MembershipRow = Schemas['StaffMembershipView'];
export type MembershipSearch = QueryOf<'/api/v1/membership/admin/memberships', 'get'>;
export const searchMemberships = (query: MembershipSearch) => get('/api/v1/membership/admin/memberships', { query: query as Record<string, string | number | undefined> });
export const membership = (id: string) => get('/api/v1/membership/admin/memberships/{id}', { path: { id } });
export const institutionHistory = (institutionId: string) => get('/api/v1/membership/admin/institutions/{institutionId}/history', { path: { institutionId } });
export const certificates = (status: 'due' | 'mailed') => get('/api/v1/membership/admin/certificates', { query: { status } });
export const recordMailing = (id: string, carrier: string, trackingNumber: string) =>
  post('/api/v1/membership/admin/memberships/{id}/certificate-mailings', { path: { id }, json: { carrier, trackingNumber } });
export const overrideStatus = (id: string, status: string, reason: string) => post('/api/v1/membership/admin/memberships/{id}/status-overrides', { path: { id }, json: { status, reason } });
export const runLifecycle = (on?: string) => post('/api/v1/membership/admin/lifecycle-runs', { json: on ? { on } : {} });
export const deliveries = (query: Record<string, string | undefined>) => get('/api/v1/notification/admin/deliveries', { query });
export const retryDelivery = (id: string) => post('/api/v1/notification/admin/deliveries/{id}/retry', { path: { id }, json: {} });
