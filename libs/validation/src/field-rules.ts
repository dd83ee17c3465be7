import { EMAIL_MAX_LENGTH, isContactEmail } from './contact';
import { characterCount, normalizeInput } from './normalize';
import { isCnLandline, normalizeMobile } from './phone';
import { isCnPostcode } from './postcode';

/**
 * The field rules whose Chinese messages used to be worded only inside the class-validator decorators: pure functions
 * (no decorator library), so the API's decorators and the browser forms say exactly the same thing from one source.
 * Each answers the problems with a value; an empty list means it is acceptable.
 */
export const requiredMessage = (label: string): string => `${label}不能为空`;
export const maxCharsMessage = (max: number, label: string): string => `${label}不能超过${max}个字`;
/** membership's wording for a required free-text field with a length limit (签收人, 发票抬头 …). */
export const requiredTextMessage = (label: string, max: number): string => `${label}不能为空且不能超过${max}个字符`;
export const mismatchMessage = (label: string, otherLabel: string): string => `${label}与${otherLabel}不一致`;

export const SMS_CODE_PATTERN = /^\d{6}$/;
export const smsCodeMessage = (label = '短信验证码'): string => `${label}须为6位数字`;

export const requiredProblems = (value: string, label: string): string[] => (normalizeInput(value) === '' ? [requiredMessage(label)] : []);

export const maxCharsProblems = (value: string, max: number, label: string): string[] => (characterCount(normalizeInput(value)) > max ? [maxCharsMessage(max, label)] : []);

export const mobileProblems = (value: string, label = '手机号'): string[] => (normalizeMobile(value) ? [] : [`${label}格式不正确`]);

export const landlineProblems = (value: string, label = '电话号码'): string[] => (isCnLandline(value) ? [] : [`${label}格式不正确，格式为：区号-电话号码（例：010-88544588）`]);

export function postcodeProblems(value: string, label = '邮编'): string[] {
  if (isCnPostcode(value)) return [];
  return /^\d{6}$/.test(normalizeInput(value)) ? [`${label}不是有效的邮政编码`] : [`${label}须为6位数字`];
}

export function emailProblems(value: string, label = '邮箱'): string[] {
  if (isContactEmail(value)) return [];
  return [characterCount(normalizeInput(value)) > EMAIL_MAX_LENGTH ? `${label}不能超过${EMAIL_MAX_LENGTH}个字符` : `${label}格式不正确`];
}

export const smsCodeProblems = (value: string, label = '短信验证码'): string[] => (SMS_CODE_PATTERN.test(normalizeInput(value)) ? [] : [smsCodeMessage(label)]);

export const mismatchProblems = (value: string, other: string, label = '确认密码', otherLabel = '密码'): string[] => (value === other ? [] : [mismatchMessage(label, otherLabel)]);

/** 用户名 (optional at registration; the staff console's 登录名 follows the same rule). */
export const LOGIN_NAME_PATTERN = /^[A-Za-z0-9_]{4,30}$/;
export const LOGIN_NAME_MESSAGE = '登录名须为4-30位英文字母、数字或下划线';
/** The arithmetic captcha's answer: the result, one to three digits. */
export const CAPTCHA_ANSWER_PATTERN = /^\d{1,3}$/;
export const CAPTCHA_ANSWER_MESSAGE = '校验码须填写算式的计算结果';
