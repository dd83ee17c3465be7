import type { GatewayConfig } from './config';

export const AREAS = ['identity', 'membership', 'billing', 'notification'] as const;
export type Area = (typeof AREAS)[number];

export interface Upstream {
  area: Area;
  /** Origin of the owning service, e.g. http://127.0.0.1:3001 */
  baseUrl: string;
  /** Every public path of this area starts with this prefix, upstream as well as at the gateway. */
  prefix: string;
}

const URL_KEYS: Record<Area, 'IDENTITY_URL' | 'MEMBERSHIP_URL' | 'BILLING_URL' | 'NOTIFICATION_URL'> = {
  identity: 'IDENTITY_URL',
  membership: 'MEMBERSHIP_URL',
  billing: 'BILLING_URL',
  notification: 'NOTIFICATION_URL',
};

export const upstreamsFrom = (config: GatewayConfig): Upstream[] =>
  AREAS.map((area) => ({ area, baseUrl: config[URL_KEYS[area]].replace(/\/+$/, ''), prefix: `/api/v1/${area}/` }));
