import { isEmail, isURL } from 'class-validator';
import { characterCount, normalizeInput, normalizeInstitutionName } from './normalize';

/** Limits printed on the registration page (the "0/30", "0/200", "0/50" counters). */
export const EMAIL_MAX_LENGTH = 30;
export const INSTITUTION_NAME_MAX_LENGTH = 200;
export const WEBSITE_MAX_LENGTH = 50;

/** The mailbox that receives e-invoices, so it must be deliverable syntax and fit the 30-character field. */
export function isContactEmail(value: string): boolean {
  const email = normalizeInput(value);
  return characterCount(email) <= EMAIL_MAX_LENGTH && isEmail(email);
}

/** Problems (Chinese, naming the field) with an institution name; empty when it is acceptable. */
export function institutionNameProblems(name: string, label = '机构名称'): string[] {
  const normalized = normalizeInstitutionName(name);
  if (normalized === '') return [`${label}不能为空`];
  if (characterCount(normalized) > INSTITUTION_NAME_MAX_LENGTH) {
    return [`${label}不能超过${INSTITUTION_NAME_MAX_LENGTH}个字`];
  }
  return [];
}

/** 机构网址: optional on the form, but when given it must be an http(s) address that fits 50 characters. */
export function websiteProblems(value: string, label = '机构网址'): string[] {
  const url = normalizeInput(value);
  const problems: string[] = [];
  if (characterCount(url) > WEBSITE_MAX_LENGTH) problems.push(`${label}不能超过${WEBSITE_MAX_LENGTH}个字符`);
  if (!isURL(url, { protocols: ['http', 'https'], require_protocol: true, require_tld: true })) {
    problems.push(`${label}须为以 http:// 或 https:// 开头的网址`);
  }
  return problems;
}

export function isWebsite(value: string): boolean {
  return websiteProblems(value).length === 0;
}
