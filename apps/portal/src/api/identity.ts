import type { CaptchaImage, CaptchaPurpose } from '@lsc/web-ui/captcha';
import { get, patch, post } from './client';

export type SmsPurpose = 'register' | 'login' | 'reset' | 'change_email' | 'change_mobile';

/** A captcha for one form: identity refuses it on any other (login, register, sms). */
export const newCaptcha = (purpose: CaptchaPurpose) => get<CaptchaImage>('/api/v1/identity/captcha', { query: { purpose } });
export const sendSmsCode = (input: { mobile: string; purpose: SmsPurpose; captchaId: string; captchaAnswer: string }) =>
  post<{ expiresInSeconds: number; resendAfterSeconds: number }>('/api/v1/identity/sms-codes', { json: input });
export const recommendingUnits = () => get<{ items: Array<{ code: string; name: string }> }>('/api/v1/identity/recommending-units');
export const register = (form: FormData, idempotencyKey: string) =>
  post<{ institutionId: string; loginName: string | null; logoUrl: string | null }>('/api/v1/identity/institutions', { form, headers: { 'idempotency-key': idempotencyKey } });
export const resetPassword = (input: { mobile: string; code: string; password: string; confirmPassword: string }) => post<unknown>('/api/v1/identity/password-resets', { json: input });

export interface Profile {
  institutionId: string;
  loginName: string | null;
  name: string;
  email: string;
  mobile: string;
  landline: string;
  fax?: string | null;
  website?: string | null;
  remark?: string | null;
  recommendingUnit: string;
  region: { provinceCode: string; provinceName: string; cityCode: string; cityName: string; districtCode: string; districtName: string };
  street: string;
  postcode: string;
  logoUrl?: string | null;
}
export const me = () => get<Profile>('/api/v1/identity/me');
export const updateProfile = (changes: Record<string, string>) => patch<Profile>('/api/v1/identity/me', { json: changes });
export const changePassword = (input: { currentPassword: string; password: string; confirmPassword: string }) => post<unknown>('/api/v1/identity/me/password', { json: input });
export const changeEmail = (input: { email: string; code: string }) => post<Profile>('/api/v1/identity/me/email', { json: input });
export const changeMobile = (input: { mobile: string; code: string; currentPassword: string }) => post<unknown>('/api/v1/identity/me/mobile', { json: input });
