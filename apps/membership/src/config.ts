import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

export class MembershipConfig extends BaseServiceConfig {}

export const loadMembershipConfig = (env: NodeJS.ProcessEnv = process.env): MembershipConfig =>
  loadConfig(MembershipConfig, { SERVICE_NAME: 'membership', HTTP_PORT: 3002, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/membership' }, env);
