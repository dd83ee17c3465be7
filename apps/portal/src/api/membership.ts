import type { components } from '@lsc/api-client';
import { get, post } from './client';

/** Answer and body types come from the generated OpenAPI description (membership's documented views). */
type Schemas = components['schemas'];
export type CodeName = Schemas['CodeNameView'];
export type MailingAddress = Schemas['MailingAddressView'];
export type PaymentOrder = Schemas['PaymentOrderView'];
export type Application = Schemas['ApplicationView'] & Partial<Pick<Schemas['ApplicationDetailView'], 'mailingAddressChangeable'>>;
export type ConfirmationDefaults = Schemas['ConfirmationDefaultsView'];
export type Membership = Schemas['MembershipView'];
export type ApplyInput = Schemas['ApplyDto'];
export type ConfirmInput = Schemas['ConfirmationDto'];

/** Always an answer: an institution that is not yet a member has status 'none' (the API no longer answers 404). */
export const myMembership = () => get('/api/v1/membership/memberships/me');
export const history = () => get('/api/v1/membership/institutions/me/history');
export const applications = () => get('/api/v1/membership/applications');
export const application = (id: string) => get('/api/v1/membership/applications/{id}', { path: { id } });
export const confirmationDefaults = (id: string) => get('/api/v1/membership/applications/{id}/confirmation-defaults', { path: { id } });
export const apply = (input: ApplyInput, idempotencyKey: string) => post('/api/v1/membership/applications', { json: input, headers: { 'idempotency-key': idempotencyKey } });
export const confirm = (id: string, input: ConfirmInput, idempotencyKey: string) =>
  post('/api/v1/membership/applications/{id}/confirmation', { path: { id }, json: input, headers: { 'idempotency-key': idempotencyKey } });
export const cancel = (id: string, reason: string) => post('/api/v1/membership/applications/{id}/cancellation', { path: { id }, json: { reason } satisfies Schemas['CancellationDto'] });
