import type { FormRules } from 'element-plus';
import { INSTITUTION_NAME_MAX_LENGTH, WEBSITE_MAX_LENGTH, EMAIL_MAX_LENGTH } from '@lsc/validation/contact';
import { STREET_ADDRESS_MAX_LENGTH } from '@lsc/validation/address';
import { validatePassword } from '@lsc/validation/password';
import { CAPTCHA_ANSWER_MESSAGE, CAPTCHA_ANSWER_PATTERN, LOGIN_NAME_MESSAGE, LOGIN_NAME_PATTERN, requiredMessage } from '@lsc/validation/field-rules';
import { normalizeInput } from '@lsc/validation/normalize';
import {
  emailCheck,
  institutionNameCheck,
  landlineCheck,
  maxCharsCheck,
  mobileCheck,
  passwordCheck,
  patternCheck,
  postcodeCheck,
  regionProblems,
  requiredCheck,
  rule,
  smsCodeCheck,
  streetCheck,
  websiteCheck,
} from './rules';
import { regionNames } from './regions';

/** The guide's registration form, field for field. The phone is typed as 区号 and 号码 and sent as 区号-号码. */
export interface RegisterModel {
  loginName: string;
  password: string;
  confirmPassword: string;
  landlineArea: string;
  landlineNumber: string;
  email: string;
  name: string;
  recommendingUnit: string;
  region: string[];
  street: string;
  postcode: string;
  website: string;
  fax: string;
  remark: string;
  mobile: string;
  smsCode: string;
  captchaAnswer: string;
}

export const emptyRegisterModel = (): RegisterModel => ({
  loginName: '',
  password: '',
  confirmPassword: '',
  landlineArea: '',
  landlineNumber: '',
  email: '',
  name: '',
  recommendingUnit: '',
  region: [],
  street: '',
  postcode: '',
  website: '',
  fax: '',
  remark: '',
  mobile: '',
  smsCode: '',
  captchaAnswer: '',
});

/** Counters printed on the guide's form (0/200, 0/30, 0/500, 0/6, 0/50). */
export const LIMITS = {
  name: INSTITUTION_NAME_MAX_LENGTH,
  email: EMAIL_MAX_LENGTH,
  street: STREET_ADDRESS_MAX_LENGTH,
  postcode: 6,
  website: WEBSITE_MAX_LENGTH,
  remark: 500,
  password: 16,
} as const;

export { LOGIN_NAME_PATTERN };

export const landlineOf = (m: Pick<RegisterModel, 'landlineArea' | 'landlineNumber'>): string =>
  `${normalizeInput(m.landlineArea)}-${normalizeInput(m.landlineNumber)}`;

export function registerRules(model: RegisterModel): FormRules<RegisterModel> {
  return {
    loginName: [rule([patternCheck(LOGIN_NAME_PATTERN, LOGIN_NAME_MESSAGE)], { optional: true })],
    password: [rule([requiredCheck('密码'), passwordCheck('密码')])],
    confirmPassword: [
      rule([requiredCheck('确认密码'), (v) => validatePassword(model.password, v).filter((p) => p.startsWith('确认密码'))]),
    ],
    landlineNumber: [
      rule([
        () => (normalizeInput(model.landlineArea) === '' && normalizeInput(model.landlineNumber) === '' ? [requiredMessage('电话号码')] : []),
        () => landlineCheck('电话号码')(landlineOf(model)),
      ]),
    ],
    email: [rule([requiredCheck('邮箱'), emailCheck('邮箱')])],
    name: [rule([requiredCheck('机构名称'), institutionNameCheck('机构名称')])],
    recommendingUnit: [rule([(v) => (v === '' ? [requiredMessage('推荐单位')] : [])], { trigger: 'change' })],
    region: [{ required: true, trigger: 'change', validator: (_r, v: string[], cb) => { const [p] = regionProblems(v); return p ? cb(new Error(p)) : cb(); } }],
    street: [rule([requiredCheck('详细地址'), streetCheck(() => regionNames(model.region), '详细地址')])],
    postcode: [rule([requiredCheck('邮编'), postcodeCheck('邮编')])],
    website: [rule([websiteCheck('机构网址')], { optional: true })],
    fax: [rule([landlineCheck('传真')], { optional: true })],
    remark: [rule([maxCharsCheck(500, '备注')], { optional: true })],
    mobile: [rule([requiredCheck('手机号'), mobileCheck('手机号')])],
    smsCode: [rule([requiredCheck('短信验证码'), smsCodeCheck()])],
    captchaAnswer: [rule([requiredCheck('校验码'), patternCheck(CAPTCHA_ANSWER_PATTERN, CAPTCHA_ANSWER_MESSAGE)])],
  };
}

/** The API's field names → the form's props, for placing server problems next to the right input. */
export const REGISTER_FIELD_MAP: Readonly<Record<string, keyof RegisterModel>> = {
  loginName: 'loginName',
  password: 'password',
  confirmPassword: 'confirmPassword',
  landline: 'landlineNumber',
  fax: 'fax',
  email: 'email',
  name: 'name',
  recommendingUnit: 'recommendingUnit',
  provinceCode: 'region',
  cityCode: 'region',
  districtCode: 'region',
  street: 'street',
  postcode: 'postcode',
  website: 'website',
  remark: 'remark',
  mobile: 'mobile',
  smsCode: 'smsCode',
  code: 'smsCode',
  captchaId: 'captchaAnswer',
  captchaAnswer: 'captchaAnswer',
};

/** Multipart fields as the API names them (optional ones only when filled); the logo is appended by the page. */
export function registrationFields(model: RegisterModel, captchaId: string): Record<string, string> {
  const [provinceCode = '', cityCode = '', districtCode = ''] = model.region;
  const fields: Record<string, string> = {
    password: model.password,
    confirmPassword: model.confirmPassword,
    landline: landlineOf(model),
    email: model.email,
    name: model.name,
    recommendingUnit: model.recommendingUnit,
    provinceCode,
    cityCode,
    districtCode,
    street: model.street,
    postcode: model.postcode,
    mobile: model.mobile,
    smsCode: model.smsCode,
    captchaId,
    captchaAnswer: model.captchaAnswer,
    agreementAccepted: 'true',
  };
  for (const key of ['loginName', 'website', 'fax', 'remark'] as const) {
    if (normalizeInput(model[key]) !== '') fields[key] = model[key];
  }
  return fields;
}
