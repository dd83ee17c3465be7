/**
 * Element Plus form rules built from the backend's own rule functions (libs/validation), so the page shows the
 * same Chinese message the API would answer, before anything is sent. No rule or message is worded here: each check
 * calls the function the API's decorators call (field-rules: required, mobile, landline, postcode, e-mail, length,
 * SMS code, confirmation), so a wording changes in one place for both.
 *
 * Only the pure rule modules are imported (never the package index: it carries the class-validator decorators).
 */
import type { FormItemRule } from 'element-plus';
import { streetAddressProblems, type RegionNames } from '@lsc/validation/address';
import { institutionNameProblems, websiteProblems } from '@lsc/validation/contact';
import { validateCreditCode } from '@lsc/validation/credit-code';
import {
  emailProblems,
  landlineProblems,
  maxCharsProblems,
  mismatchProblems,
  mobileProblems,
  postcodeProblems,
  requiredMessage,
  requiredProblems,
  smsCodeProblems,
} from '@lsc/validation/field-rules';
import { normalizeInput } from '@lsc/validation/normalize';
import { passwordProblems } from '@lsc/validation/password';
import { hasUnsafeText, unsafeTextMessage } from '@lsc/validation/plain-text';
import { resolveRegion } from '@lsc/validation/region';

/** A check answers the Chinese problems with a value; an empty list means it is acceptable. */
export type Check = (value: string) => string[];

const asText = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));
const blank = (value: string): boolean => normalizeInput(value) === '';

export const requiredCheck =
  (label: string): Check =>
  (v) =>
    requiredProblems(v, label);

export const mobileCheck =
  (label = '手机号'): Check =>
  (v) =>
    mobileProblems(v, label);

export const landlineCheck =
  (label = '电话号码'): Check =>
  (v) =>
    landlineProblems(v, label);

export const postcodeCheck =
  (label = '邮编'): Check =>
  (v) =>
    postcodeProblems(v, label);

export const emailCheck =
  (label = '邮箱'): Check =>
  (v) =>
    emailProblems(v, label);

/** 6位短信验证码, as identity checks it. */
export const smsCodeCheck =
  (label = '短信验证码'): Check =>
  (v) =>
    smsCodeProblems(v, label);

/** 确认密码: equal to the other field's current value. */
export const sameAsCheck =
  (other: () => string, label = '确认密码', otherLabel = '密码'): Check =>
  (v) =>
    mismatchProblems(v, other(), label, otherLabel);

export const institutionNameCheck =
  (label = '机构名称'): Check =>
  (v) =>
    institutionNameProblems(v, label);

export const websiteCheck =
  (label = '机构网址'): Check =>
  (v) =>
    websiteProblems(v, label);

export const passwordCheck =
  (label = '密码'): Check =>
  (v) =>
    passwordProblems(v, label);

/** CR/LF, control characters and bidi overrides: refused by every API field (libs/validation plain-text). */
export const plainTextCheck =
  (label: string): Check =>
  (v) =>
    hasUnsafeText(normalizeInput(v)) ? [unsafeTextMessage(label)] : [];

export const maxCharsCheck =
  (max: number, label: string): Check =>
  (v) => [...plainTextCheck(label)(v), ...maxCharsProblems(v, max, label)];

export const patternCheck =
  (pattern: RegExp, message: string): Check =>
  (v) =>
    pattern.test(normalizeInput(v)) ? [] : [message];

export const creditCodeCheck =
  (label = '统一社会信用代码'): Check =>
  (v) => {
    const result = validateCreditCode(v, label);
    return result.ok ? [] : [result.message];
  };

/** 详细地址 against the region chosen next to it (names come from the cascader's selection). */
export const streetCheck =
  (region: () => RegionNames, label = '详细地址'): Check =>
  (v) => [...plainTextCheck(label)(v), ...streetAddressProblems(v, region(), label)];

/** The cascader's value: [provinceCode, cityCode, districtCode]. */
export function regionProblems(codes: readonly string[] | undefined, label = '所在地区'): string[] {
  if (!codes || codes.length === 0) return [requiredMessage(label)];
  const [province = '', city = '', district = ''] = codes;
  const resolution = resolveRegion(province, city, district);
  return resolution.ok ? [] : [resolution.message.replace(/^所在地区/u, label)];
}

/** The first problem of the first failing check, as Element Plus wants it. */
export function firstProblem(value: unknown, checks: readonly Check[]): string | undefined {
  const text = asText(value);
  for (const check of checks) {
    const [problem] = check(text);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * One Element Plus rule running the checks in order; an optional field skips them all when left empty.
 * `required` only draws the asterisk: with a validator present the English default message of async-validator's
 * required rule never runs (unlike el-form-item's own `required` attribute, which must not be used).
 */
export function rule(checks: readonly Check[], options: { optional?: boolean; trigger?: string | string[] } = {}): FormItemRule {
  return {
    required: !options.optional,
    trigger: options.trigger ?? ['blur', 'change'],
    validator: (_rule, value, callback) => {
      const text = asText(value);
      if (options.optional && blank(text)) return callback();
      const problem = firstProblem(text, checks);
      return problem === undefined ? callback() : callback(new Error(problem));
    },
  };
}
