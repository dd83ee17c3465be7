import type { BootstrapOptions } from '@lsc/service-kit';
import { createStaffCommand } from './app/staff';
import { registerMultipart } from './http/multipart';

/** Shared by main.ts and the integration tests, so tests boot the service exactly as production does. */
export const identityBootstrapOptions: BootstrapOptions = {
  openApi: { title: 'identity', description: 'Identity — 机构账号注册、登录、验证码' },
  configureApp: registerMultipart,
  // The logo may be 2 MB; the multipart limit then reports an oversize logo as a field error (400), not a bare 413.
  bodyLimitBytes: 3 * 1024 * 1024,
  commands: { 'create-staff': createStaffCommand },
};
