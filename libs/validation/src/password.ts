import COMMON_PASSWORDS_LIST from './common-passwords.json';

export const PASSWORD_MIN_LENGTH = 6;
export const PASSWORD_MAX_LENGTH = 16;

/**
 * Letters, digits and ASCII symbols only: a full-width character typed while the Chinese IME is on
 * looks identical on screen and later makes the login fail, so it is refused at registration.
 */
const PASSWORD_CHARACTERS = /^[\x21-\x7e]*$/;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(COMMON_PASSWORDS_LIST);

export type PasswordStrength = 'weak' | 'medium' | 'strong';

export const PASSWORD_STRENGTH_LABELS: Readonly<Record<PasswordStrength, string>> = {
  weak: '弱',
  medium: '中',
  strong: '强',
};

/** Number of classes present among lower-case letters, upper-case letters, digits and symbols. */
export function passwordCharacterClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((pattern) => pattern.test(password)).length;
}

/** Case-insensitive membership in the shipped list of the most common (incl. Chinese-typical) passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/**
 * The 弱/中/强 meter. The rule is deliberately simple so the web page can reimplement it exactly:
 * - weak:   common password, or fewer than 8 characters, or only one character class;
 * - strong: at least 10 characters and at least 3 character classes;
 * - medium: everything else.
 * The meter informs; only passwordProblems decides acceptance.
 */
export function passwordStrength(password: string): PasswordStrength {
  const classes = passwordCharacterClasses(password);
  if (isCommonPassword(password) || password.length < 8 || classes <= 1) return 'weak';
  if (password.length >= 10 && classes >= 3) return 'strong';
  return 'medium';
}

/** Problems with a new password, in Chinese and naming the field; empty when acceptable. */
export function passwordProblems(password: string, label = '密码'): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    problems.push(`${label}长度须在${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH}位之间`);
  }
  if (!PASSWORD_CHARACTERS.test(password)) {
    problems.push(`${label}只能包含英文字母、数字和英文符号（不能有空格或全角字符）`);
  }
  if (isCommonPassword(password)) problems.push(`${label}过于常见，容易被猜中，请换一个`);
  return problems;
}

/** passwordProblems plus the 确认密码 rule (两次输入密码需一致). */
export function validatePassword(password: string, confirmation: string, label = '密码'): string[] {
  const problems = passwordProblems(password, label);
  if (password !== confirmation) problems.push('确认密码与密码不一致，两次输入密码需一致');
  return problems;
}
