import type { AnswerOf, components } from '@lsc/api-client';
import { get, getFile } from './client';

/** Answer types come from the generated OpenAPI description (billing's documented views). */
export type Qualifications = AnswerOf<'/api/v1/billing/qualifications', 'get'>;
export type Quote = components['schemas']['QuoteView'];
export type Order = components['schemas']['OrderView'];
export type Invoice = components['schemas']['InvoiceView'];

export const qualifications = () => get('/api/v1/billing/qualifications');
export const quote = (q: { qualificationCode: string; staffTierCode: string; years: number }) => get('/api/v1/billing/quotes', { query: q });
export const orders = () => get('/api/v1/billing/orders');
export const order = (id: string) => get('/api/v1/billing/orders/{id}', { path: { id } });
export const invoices = () => get('/api/v1/billing/invoices');
/** The invoice file (PDF/XML) as a Blob: the download needs the access token, so it is fetched, not linked. */
export const invoiceDocument = (id: string, format: string) => getFile('/api/v1/billing/invoices/{id}/documents/{format}', { path: { id, format } });
