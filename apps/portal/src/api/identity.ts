import type { CaptchaPurpose } from '@lsc/web-ui/captcha';
import type { components } from '@lsc/api-client';
import { get, patch, post } from './client';

/** Answer and body types come from the generated OpenAPI description (identity's documented views and forms). */
export type Captcha = components['schemas']['CaptchaDoc'];
export type SmsPurpose = components['schemas']['SendSmsCodeDto']['purpose'];
export type Profile = components['schemas']['ProfileDoc'];
type Body<Name extends keyof components['schemas']> = components['schemas'][Name];

/** A captcha for one form: identity refuses it on any other (login, register, sms). */
export const newCaptcha = (purpose: CaptchaPurpose) => get('/api/v1/identity/captcha', { query: { purpose } });
export const sendSmsCode = (input: Body<'SendSmsCodeDto'>) => post('/api/v1/identity/sms-codes', { json: input });
export const recommendingUnits = () => get('/api/v1/identity/recommending-units');
/** 机构用户注册: the multipart form of RegistrationFormDoc (with the logo file). */
export const register = (form: FormData, idempotencyKey: string) => post('/api/v1/identity/institutions', { form, headers: { 'idempotency-key': idempotencyKey } });
export const resetPassword = (input: Body<'PasswordResetDto'>) => post('/api/v1/identity/password-resets', { json: input });

export const me = () => get('/api/v1/identity/me');
export const updateProfile = (changes: Body<'UpdateProfileDoc'>) => patch('/api/v1/identity/me', { json: changes });
export const changePassword = (input: Body<'ChangePasswordDoc'>) => post('/api/v1/identity/me/password', { json: input });
export const changeEmail = (input: Body<'ChangeEmailDoc'>) => post('/api/v1/identity/me/email', { json: input });
export const changeMobile = (input: Body<'ChangeMobileDoc'>) => post('/api/v1/identity/me/mobile', { json: input });
