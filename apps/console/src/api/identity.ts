import type { CaptchaPurpose } from '@lsc/web-ui/captcha';
import { SESSIONS_PATH, type components, type Principal } from '@lsc/api-client';
import { api, get, post, put } from './client';

export type { Principal };
type Schemas = components['schemas'];
export type Captcha = Schemas['CaptchaDoc'];
/** A captcha for one form: identity refuses it on any other (login, register, sms). */
export const newCaptcha = (purpose: CaptchaPurpose) => get('/api/v1/identity/captcha', { query: { purpose } });

/** 二次验证: after the right password, finance and super_admin (and staff with an authenticator) get this instead of a session. */
export type SecondFactorChallenge = Schemas['SecondFactorChallengeDoc'];
export type TotpEnrolment = Schemas['EnrolmentDoc'];

const signedIn = (): Principal => {
  const p = api.session.principal;
  if (!p) throw new Error('登录应答缺少身份信息');
  return p;
};

export async function login(input: Schemas['PasswordLoginDto']): Promise<Principal | SecondFactorChallenge> {
  const answer: Partial<SecondFactorChallenge> = await post(SESSIONS_PATH, { json: input });
  if (answer && typeof answer.mfaToken === 'string' && answer.secondFactor) return answer as SecondFactorChallenge;
  return signedIn();
}
/** The second step with the authenticator's code or a recovery code; the API client keeps the session it answers. */
export async function verifySecondFactor(body: { mfaToken: string; code: string } | { mfaToken: string; recoveryCode: string }): Promise<Principal> {
  await post('/api/v1/identity/sessions/second-factor', { json: body });
  return signedIn();
}
export const beginTotpEnrolment = (mfaToken: string) => post('/api/v1/identity/sessions/second-factor/enrolment', { json: { mfaToken } });
export async function confirmTotpEnrolment(mfaToken: string, code: string): Promise<{ principal: Principal; recoveryCodes: string[] }> {
  const answer = await post('/api/v1/identity/sessions/second-factor/enrolment/confirm', { json: { mfaToken, code } });
  return { principal: signedIn(), recoveryCodes: answer.recoveryCodes };
}
export const resetStaffTwoFactor = (id: string) => post('/api/v1/identity/staff/{accountId}/two-factor/reset', { path: { accountId: id }, json: {} });
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
