import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

export class BillingConfig extends BaseServiceConfig {}

export const loadBillingConfig = (env: NodeJS.ProcessEnv = process.env): BillingConfig =>
  loadConfig(BillingConfig, { SERVICE_NAME: 'billing', HTTP_PORT: 3003, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/billing' }, env);
