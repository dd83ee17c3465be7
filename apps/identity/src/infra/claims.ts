import { normalizeInput, normalizeInstitutionName, normalizeMobile } from '@lsc/validation';

export type ClaimKind = 'name' | 'email' | 'mobile' | 'login_name';

/**
 * The key under which each kind is unique. Names fold full-width forms and runs of spaces (normalizeInstitutionName);
 * e-mail addresses and login names are case-insensitive; mobiles are the bare 11 digits.
 */
export function claimKey(kind: ClaimKind, value: string): string {
  switch (kind) {
    case 'name':
      return normalizeInstitutionName(value);
    case 'email':
    case 'login_name':
      return normalizeInput(value).toLowerCase();
    case 'mobile':
      return normalizeMobile(value) ?? normalizeInput(value);
  }
}

export const CLAIM_FIELDS: Record<ClaimKind, { field: string; message: string }> = {
  name: { field: 'name', message: '机构名称已被注册' },
  email: { field: 'email', message: '邮箱已被其他账号使用' },
  mobile: { field: 'mobile', message: '手机号已被其他账号使用' },
  login_name: { field: 'loginName', message: '登录名已被使用' },
};

/** What a login identifier typed into the one 用户名 box is: the mobile, an e-mail or a login name. */
export function loginCandidates(login: string): Array<{ kind: ClaimKind; value: string }> {
  const typed = normalizeInput(login);
  const mobile = normalizeMobile(typed);
  if (mobile) return [{ kind: 'mobile', value: mobile }];
  if (typed.includes('@')) return [{ kind: 'email', value: typed.toLowerCase() }];
  return [{ kind: 'login_name', value: typed.toLowerCase() }];
}

/**
 * What the login throttle counts failures under. A known account is one key however it was typed (login name, e-mail,
 * `+86 138…`, `0086138…`, `138-0013-8000`), so spellings cannot buy extra guesses; an unknown identifier is keyed by its
 * canonical form, so unknown names throttle alike and reveal nothing.
 */
export function loginThrottleKey(login: string, account: { account_id: string } | undefined): string {
  if (account) return `account:${account.account_id}`;
  const [candidate] = loginCandidates(login);
  return `${candidate.kind}:${claimKey(candidate.kind, candidate.value)}`;
}
