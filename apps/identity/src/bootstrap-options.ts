import type { BootstrapOptions } from '@lsc/service-kit';
import { createStaffCommand } from './app/staff';
import { registerMultipart } from './http/multipart';

/** Shared by main.ts and the integration tests, so tests boot the service exactly as production does. */
export const identityBootstrapOptions: BootstrapOptions = {
  openApi: { title: 'identity', description: 'Identity — 机构账号注册、登录、验证码' },
  configureApp: registerMultipart,
  commands: { 'create-staff': createStaffCommand },
};
