import type { FormRules } from 'element-plus';
import { requiredTextMessage } from '@lsc/validation/field-rules';
import { characterCount, normalizeInput } from '@lsc/validation/normalize';
import { creditCodeCheckCharacter, CREDIT_CODE_ALPHABET } from '@lsc/validation/credit-code';
import { creditCodeCheck, landlineCheck, mobileCheck, plainTextCheck, postcodeCheck, regionProblems, rule, streetCheck, type Check } from './rules';
import { regionNames } from './regions';
import type { ConfirmInput } from '@/api/membership';

/** 申请信息 (guide step 6): 寄送地址, 发票抬头 and 统一社会信用代码. */
export interface ConfirmationModel {
  recipient: string;
  mobile: string;
  landline: string;
  region: string[];
  street: string;
  postcode: string;
  invoiceTitle: string;
  creditCode: string;
}

export const emptyConfirmationModel = (): ConfirmationModel => ({ recipient: '', mobile: '', landline: '', region: [], street: '', postcode: '', invoiceTitle: '', creditCode: '' });

/** membership's ConfirmationDto words these as "X不能为空且不能超过N个字符". */
const lengthCheck =
  (label: string, max: number): Check =>
  (v) => {
    const n = characterCount(normalizeInput(v));
    return [...plainTextCheck(label)(v), ...(n === 0 || n > max ? [requiredTextMessage(label, max)] : [])];
  };

export function confirmationRules(model: ConfirmationModel): FormRules<ConfirmationModel> {
  return {
    recipient: [rule([lengthCheck('签收人', 50)])],
    mobile: [rule([mobileCheck('手机号码')])],
    landline: [rule([landlineCheck('电话号码')], { optional: true })],
    region: [{ required: true, trigger: 'change', validator: (_r, v: string[], cb) => { const [p] = regionProblems(v, '收货地址'); return p ? cb(new Error(p)) : cb(); } }],
    street: [rule([lengthCheck('详细地址', 500), streetCheck(() => regionNames(model.region), '详细地址')])],
    postcode: [rule([postcodeCheck('邮编')])],
    invoiceTitle: [rule([lengthCheck('发票抬头', 200)])],
    // Checked on every keystroke once 18 characters are there: a mistyped character shows before leaving the field.
    creditCode: [rule([creditCodeCheck('统一社会信用代码')], { trigger: ['blur', 'change', 'input'] })],
  };
}

/**
 * While typing the credit code: after 17 valid characters, the 18th the standard expects (a hint, so a person can
 * see a typo at once); null when there is nothing useful to say yet.
 */
export function creditCodeHint(typed: string): string | null {
  const code = normalizeInput(typed).toUpperCase();
  if (code.length !== 17 || [...code].some((c) => !CREDIT_CODE_ALPHABET.includes(c))) return null;
  return `按前17位计算，第18位校验码应为“${creditCodeCheckCharacter(code)}”`;
}

export const CONFIRMATION_FIELD_MAP: Readonly<Record<string, keyof ConfirmationModel>> = {
  recipient: 'recipient',
  mobile: 'mobile',
  landline: 'landline',
  region: 'region',
  'region.provinceCode': 'region',
  'region.cityCode': 'region',
  'region.districtCode': 'region',
  street: 'street',
  postcode: 'postcode',
  invoiceTitle: 'invoiceTitle',
  creditCode: 'creditCode',
};

export function confirmationBody(model: ConfirmationModel): ConfirmInput {
  const [provinceCode = '', cityCode = '', districtCode = ''] = model.region;
  return {
    recipient: model.recipient.trim(),
    mobile: model.mobile.trim(),
    ...(normalizeInput(model.landline) !== '' ? { landline: model.landline.trim() } : {}),
    region: { provinceCode, cityCode, districtCode },
    street: model.street.trim(),
    postcode: model.postcode.trim(),
    invoiceTitle: model.invoiceTitle.trim(),
    creditCode: normalizeInput(model.creditCode).toUpperCase(),
  };
}
