import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommonPassword } from '@lsc/validation';

/**
 * The staff password policy (ASVS 6.2): staff accounts reach money and every member's data, so their passwords follow
 * NIST SP 800-63B rather than the institution rule (6–16 ASCII characters, kept for the guide's registration page).
 * Length is what counts: at least 12 characters, up to 128, any characters (spaces, 中文, symbols) — no composition
 * rules — but never a known common or breached password, a thinly disguised one (`Password2024!`), a repetition, or
 * one containing the login name.
 */
export const STAFF_PASSWORD_MIN_LENGTH = 12;
export const STAFF_PASSWORD_MAX_LENGTH = 128;

/**
 * The 10,000 most common passwords of public breach corpora (SecLists `10k-most-common.txt`), one a line, read once
 * on first use. Together with libs/validation's list of Chinese-typical passwords (拼音, 520/1314 patterns).
 */
const LIST_FILE = join(__dirname, 'common-passwords-10k.txt');
let breached: ReadonlySet<string> | undefined;
export function breachedPasswords(): ReadonlySet<string> {
  breached ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return breached;
}

const isListed = (candidate: string): boolean => candidate.length > 0 && (breachedPasswords().has(candidate) || isCommonPassword(candidate));

/** Digits, symbols and spaces people pad a common word with: `!!password2024`, `dragon 123456`. */
const PADDING = /^[\d\s\p{P}\p{S}]+|[\d\s\p{P}\p{S}]+$/gu;
/** C0/C1 control characters and bidi overrides: invisible, and they make the password impossible to type again. */
const CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** 123456789012, 9876543210, abcdefghijkl: each character one after (or before) the last, 0 following 9. */
function isRun(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0)!);
  const step = (a: number, b: number) => (a === 0x39 && b === 0x30 ? 1 : a === 0x30 && b === 0x39 ? -1 : b - a);
  const first = codes.length > 1 ? step(codes[0], codes[1]) : 0;
  return Math.abs(first) === 1 && codes.every((c, i) => i === 0 || step(codes[i - 1], c) === first);
}

/** A common password as typed, without its spaces, or under its padding; or the same short piece over and over. */
function isGuessable(normalized: string): 'common' | 'repeated' | undefined {
  const lower = normalized.toLowerCase();
  const compact = lower.replace(/\s+/g, '');
  if (/^(.{1,4}?)\1+$/su.test(compact) || isRun(compact)) return 'repeated';
  const unpadded = (s: string) => s.replace(PADDING, '');
  const once = (s: string) => s.replace(/^(.+?)\1+$/su, '$1');
  const candidates = [lower, compact, unpadded(lower), once(compact), unpadded(once(compact)), once(unpadded(compact))];
  return candidates.some(isListed) ? 'common' : undefined;
}

/**
 * Problems with a new staff password, in Chinese and naming the field; empty when acceptable. Lengths count
 * characters (code points) after NFKC, the form the hasher stores, so "密码" is 2 characters, not 6 bytes.
 */
export function staffPasswordProblems(password: string, options: { label?: string; username?: string } = {}): string[] {
  const label = options.label ?? '密码';
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  const problems: string[] = [];
  if (length < STAFF_PASSWORD_MIN_LENGTH || length > STAFF_PASSWORD_MAX_LENGTH) {
    problems.push(`${label}长度须为${STAFF_PASSWORD_MIN_LENGTH}-${STAFF_PASSWORD_MAX_LENGTH}个字符（可使用空格、中文和任意符号，建议用一句好记的话）`);
  }
  if (CONTROL.test(normalized)) problems.push(`${label}不能包含换行、制表符等控制字符或不可见的方向控制符`);
  const guessable = isGuessable(normalized);
  if (guessable === 'common') problems.push(`${label}是常见或已泄露的密码（或仅在其前后加了数字、符号），容易被猜中，请换一个`);
  if (guessable === 'repeated') problems.push(`${label}由重复或连续的字符组成（如 aaaa、123456789012），容易被猜中，请换一个`);
  const username = options.username?.trim().toLowerCase();
  if (username && username.length >= 3 && normalized.toLowerCase().includes(username)) problems.push(`${label}不能包含登录名`);
  return problems;
}
