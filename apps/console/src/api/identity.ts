import type { CaptchaImage, CaptchaPurpose } from '@lsc/web-ui/captcha';
import { SESSIONS_PATH, type Principal } from '@lsc/api-client';
import { api, get, post, postNotYetGenerated, put } from './client';

export type { Principal };
/** A captcha for one form: identity refuses it on any other (login, register, sms). */
export const newCaptcha = (purpose: CaptchaPurpose) => get<CaptchaImage>('/api/v1/identity/captcha', { query: { purpose } });

/** 二次验证: after the right password, finance and super_admin (and staff with an authenticator) get this instead of a session. */
export interface SecondFactorChallenge {
  secondFactor: 'totp' | 'enrol';
  mfaToken: string;
  expiresIn: number;
}
export interface TotpEnrolment {
  username: string;
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

const signedIn = (): Principal => {
  const p = api.session.principal;
  if (!p) throw new Error('登录应答缺少身份信息');
  return p;
};

export async function login(input: { login: string; password: string; captchaId: string; captchaAnswer: string }): Promise<Principal | SecondFactorChallenge> {
  const answer = await post<Partial<SecondFactorChallenge>>(SESSIONS_PATH, { json: input });
  if (answer && typeof answer.mfaToken === 'string' && answer.secondFactor) return answer as SecondFactorChallenge;
  return signedIn();
}
/** The second step with the authenticator's code or a recovery code; the API client keeps the session it answers. */
export async function verifySecondFactor(body: { mfaToken: string; code: string } | { mfaToken: string; recoveryCode: string }): Promise<Principal> {
  await postNotYetGenerated('/api/v1/identity/sessions/second-factor', { json: body });
  return signedIn();
}
export const beginTotpEnrolment = (mfaToken: string) => postNotYetGenerated<TotpEnrolment>('/api/v1/identity/sessions/second-factor/enrolment', { json: { mfaToken } });
export async function confirmTotpEnrolment(mfaToken: string, code: string): Promise<{ principal: Principal; recoveryCodes: string[] }> {
  const answer = await postNotYetGenerated<{ recoveryCodes: string[] }>('/api/v1/identity/sessions/second-factor/enrolment/confirm', { json: { mfaToken, code } });
  return { principal: signedIn(), recoveryCodes: answer.recoveryCodes };
}
export const resetStaffTwoFactor = (id: string) => postNotYetGenerated<void>(`/api/v1/identity/staff/${encodeURIComponent(id)}/two-factor/reset`, { json: {} });
export async function resume(): Promise<Principal | null> {
  return (await api.restoreSession()) ? (api.session.principal ?? null) : null;
}
export const logout = (): Promise<void> => api.logout();

export interface Staff {
  accountId: string;
  username: string;
  displayName: string;
  roles: string[];
  status: 'pending' | 'active' | 'disabled';
  createdAt: string;
  disabledAt: string | null;
  /** 二次验证已绑定 */
  twoFactorEnrolled?: boolean;
}
export interface SetupCode {
  setupCode: string;
  setupPath: string;
  setupExpiresAt: string;
}
export const staffList = () => get<{ items: Staff[] }>('/api/v1/identity/staff');
export const createStaff = (body: { username: string; displayName: string; roles: string[] }) => post<Staff & SetupCode>('/api/v1/identity/staff', { json: body });
export const assignRoles = (id: string, roles: string[]) => put<Staff>('/api/v1/identity/staff/{accountId}/roles', { path: { accountId: id }, json: { roles } });
export const disableStaff = (id: string, reason: string) => post<Staff>('/api/v1/identity/staff/{accountId}/disable', { path: { accountId: id }, json: { reason } });
export const enableStaff = (id: string) => post<Staff>('/api/v1/identity/staff/{accountId}/enable', { path: { accountId: id }, json: {} });
export const resetStaff = (id: string) => post<Staff & SetupCode>('/api/v1/identity/staff/{accountId}/reset', { path: { accountId: id }, json: {} });
export const setStaffPassword = (body: { code: string; password: string; confirmPassword: string }) => post<{ username: string }>('/api/v1/identity/staff-password', { json: body });
export const lockInstitution = (institutionId: string, reason: string) => post<unknown>('/api/v1/identity/institutions/{institutionId}/lock', { path: { institutionId }, json: { reason } });
export const unlockInstitution = (institutionId: string, reason?: string) => post<unknown>('/api/v1/identity/institutions/{institutionId}/unlock', { path: { institutionId }, json: reason ? { reason } : {} });
export const institutionLock = (institutionId: string) => get<{ locked: boolean; reason: string | null; lockedAt: string | null }>('/api/v1/identity/institutions/{institutionId}/lock', { path: { institutionId } });
