/**
 * Element Plus form rules built from the backend's own rule functions (libs/validation), so the page shows the
 * same Chinese message the API would answer, before anything is sent.
 *
 * Only the pure rule modules are imported (never the package index: it carries the class-validator decorators).
 * A few messages are worded inside the library's decorators rather than in a function (mobile, landline,
 * postcode, e-mail, required); they are repeated here word for word and pinned by rules.spec.ts.
 */
import type { FormItemRule } from 'element-plus';
import { streetAddressProblems, type RegionNames } from '@lsc/validation/address';
import { EMAIL_MAX_LENGTH, institutionNameProblems, isContactEmail, websiteProblems } from '@lsc/validation/contact';
import { validateCreditCode } from '@lsc/validation/credit-code';
import { characterCount, normalizeInput } from '@lsc/validation/normalize';
import { passwordProblems } from '@lsc/validation/password';
import { hasUnsafeText, unsafeTextMessage } from '@lsc/validation/plain-text';
import { isCnLandline, normalizeMobile } from '@lsc/validation/phone';
import { isCnPostcode } from '@lsc/validation/postcode';
import { resolveRegion } from '@lsc/validation/region';

/** A check answers the Chinese problems with a value; an empty list means it is acceptable. */
export type Check = (value: string) => string[];

const asText = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));
const blank = (value: string): boolean => normalizeInput(value) === '';

export const requiredCheck =
  (label: string): Check =>
  (v) =>
    blank(v) ? [`${label}不能为空`] : [];

export const mobileCheck =
  (label = '手机号'): Check =>
  (v) =>
    normalizeMobile(v) ? [] : [`${label}格式不正确`];

export const landlineCheck =
  (label = '电话号码'): Check =>
  (v) =>
    isCnLandline(v) ? [] : [`${label}格式不正确，格式为：区号-电话号码（例：010-88544588）`];

export const postcodeCheck =
  (label = '邮编'): Check =>
  (v) => {
    if (isCnPostcode(v)) return [];
    return /^\d{6}$/.test(normalizeInput(v)) ? [`${label}不是有效的邮政编码`] : [`${label}须为6位数字`];
  };

export const emailCheck =
  (label = '邮箱'): Check =>
  (v) => {
    if (isContactEmail(v)) return [];
    return [characterCount(normalizeInput(v)) > EMAIL_MAX_LENGTH ? `${label}不能超过${EMAIL_MAX_LENGTH}个字符` : `${label}格式不正确`];
  };

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
  (v) => [...plainTextCheck(label)(v), ...(characterCount(normalizeInput(v)) > max ? [`${label}不能超过${max}个字`] : [])];

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
  if (!codes || codes.length === 0) return [`${label}不能为空`];
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
