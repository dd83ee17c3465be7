import { SESSIONS_PATH, type components, type Principal } from '@lsc/api-client';
import { api, get, post, put } from './client';

export type { Principal };
type Schemas = components['schemas'];
export type Captcha = Schemas['CaptchaDoc'];
export const newCaptcha = () => get('/api/v1/identity/captcha');

export async function login(input: Schemas['PasswordLoginDto']): Promise<Principal> {
  await post(SESSIONS_PATH, { json: input });
  const p = api.session.principal;
  if (!p) throw new Error('登录应答缺少身份信息');
  return p;
}
export async function resume(): Promise<Principal | null> {
  return (await api.restoreSession()) ? (api.session.principal ?? null) : null;
}
export const logout = (): Promise<void> => api.logout();

export type Staff = Schemas['StaffDoc'];
export type StaffRole = Staff['roles'][number];
/** The one-time 设置密码 code of a new or reset account. */
export type SetupCode = Pick<Schemas['StaffWithSetupCodeDoc'], 'setupCode' | 'setupPath' | 'setupExpiresAt'>;
export const staffList = () => get('/api/v1/identity/staff');
export const createStaff = (body: Schemas['CreateStaffDoc']) => post('/api/v1/identity/staff', { json: body });
export const assignRoles = (id: string, roles: string[]) => put('/api/v1/identity/staff/{accountId}/roles', { path: { accountId: id }, json: { roles } });
export const disableStaff = (id: string, reason: string) => post('/api/v1/identity/staff/{accountId}/disable', { path: { accountId: id }, json: { reason } });
export const enableStaff = (id: string) => post('/api/v1/identity/staff/{accountId}/enable', { path: { accountId: id }, json: {} });
export const resetStaff = (id: string) => post('/api/v1/identity/staff/{accountId}/reset', { path: { accountId: id }, json: {} });
export const setStaffPassword = (body: Schemas['SetStaffPasswordDoc']) => post('/api/v1/identity/staff-password', { json: body });
export const lockInstitution = (institutionId: string, reason: string) => post('/api/v1/identity/institutions/{institutionId}/lock', { path: { institutionId }, json: { reason } });
export const unlockInstitution = (institutionId: string, reason?: string) => post('/api/v1/identity/institutions/{institutionId}/unlock', { path: { institutionId }, json: reason ? { reason } : {} });
export const institutionLock = (institutionId: string) => get('/api/v1/identity/institutions/{institutionId}/lock', { path: { institutionId } });
