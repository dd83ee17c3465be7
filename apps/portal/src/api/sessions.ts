import { SESSIONS_PATH, type components, type Principal } from '@lsc/api-client';
import { api, post } from './client';

export type { Principal };
export type PasswordLogin = components['schemas']['PasswordLoginDto'];
export type SmsLogin = components['schemas']['SmsLoginDto'];

function principal(): Principal {
  const p = api.session.principal;
  if (!p) throw new Error('登录应答缺少身份信息');
  return p;
}

export async function loginWithPassword(input: PasswordLogin): Promise<Principal> {
  await post(SESSIONS_PATH, { json: input });
  return principal();
}

export async function loginWithSms(input: SmsLogin): Promise<Principal> {
  await post('/api/v1/identity/sessions/sms', { json: input });
  return principal();
}

/** A page reload: the refresh cookie (HttpOnly) gives a new access token, or nobody is logged in. */
export async function resume(): Promise<Principal | null> {
  return (await api.restoreSession()) ? (api.session.principal ?? null) : null;
}

export const logout = (): Promise<void> => api.logout();
