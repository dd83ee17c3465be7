import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

export class IdentityConfig extends BaseServiceConfig {}

export const loadIdentityConfig = (env: NodeJS.ProcessEnv = process.env): IdentityConfig =>
  loadConfig(IdentityConfig, { SERVICE_NAME: 'identity', HTTP_PORT: 3001, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/identity' }, env);
