import { describe, expect, it } from 'vitest';
import type { FormItemRule } from 'element-plus';
import { confirmationBody, confirmationRules, creditCodeHint, type ConfirmationModel } from './confirmation';

const filled = (): ConfirmationModel => ({
  recipient: '张明远',
  mobile: '13812345678',
  landline: '010-88544588',
  region: ['110000', '110100', '110108'],
  street: '中关村南大街5号',
  postcode: '100081',
  invoiceTitle: '北京某某数字科技有限公司',
  creditCode: '91350100M000100Y43',
});

function problemOf(change: Partial<ConfirmationModel>, field: keyof ConfirmationModel): string {
  const model = { ...filled(), ...change };
  let message = '';
  for (const r of confirmationRules(model)[field] as FormItemRule[]) {
    r.validator?.(r, model[field], (e?: string | Error) => {
      if (e && !message) message = typeof e === 'string' ? e : e.message;
    }, model, {});
  }
  return message;
}

describe('申请信息 form rules', () => {
  it('accepts a complete confirmation', () => {
    for (const field of Object.keys(filled()) as Array<keyof ConfirmationModel>) expect([field, problemOf({}, field)]).toEqual([field, '']);
  });

  it('寄送地址 rules, worded as membership’s ConfirmationDto', () => {
    expect(problemOf({ recipient: '' }, 'recipient')).toBe('签收人不能为空且不能超过50个字符');
    expect(problemOf({ recipient: '张'.repeat(51) }, 'recipient')).toBe('签收人不能为空且不能超过50个字符');
    expect(problemOf({ mobile: '1381234567' }, 'mobile')).toBe('手机号码格式不正确');
    expect(problemOf({ landline: '88544588' }, 'landline')).toBe('电话号码格式不正确，格式为：区号-电话号码（例：010-88544588）');
    expect(problemOf({ landline: '' }, 'landline')).toBe('');
    expect(problemOf({ region: [] }, 'region')).toBe('收货地址不能为空');
    expect(problemOf({ region: ['340000', '341500', '341501'] }, 'region')).toBe('收货地址的“市辖区”（341501）不是具体区县，请选择六安市下的具体区/县');
    expect(problemOf({ street: '' }, 'street')).toBe('详细地址不能为空且不能超过500个字符');
    // Issue #25 item 11: the page says what the API would (libs/validation plain-text) before anything is sent.
    expect(problemOf({ recipient: '张三\r\nBcc: all@example.org' }, 'recipient')).toBe('签收人不能包含换行符、控制字符或文字方向控制符');
    expect(problemOf({ invoiceTitle: '国家图书馆\u202E' }, 'invoiceTitle')).toBe('发票抬头不能包含换行符、控制字符或文字方向控制符');
    expect(problemOf({ street: '中关村\n南大街5号' }, 'street')).toBe('详细地址不能包含换行符、控制字符或文字方向控制符');
    expect(problemOf({ street: '海淀区中关村南大街5号' }, 'street')).toBe('详细地址无需再填写省市县，请删去开头的“海淀区”，只填写街道门牌号');
    expect(problemOf({ postcode: '1000' }, 'postcode')).toBe('邮编须为6位数字');
    expect(problemOf({ invoiceTitle: '' }, 'invoiceTitle')).toBe('发票抬头不能为空且不能超过200个字符');
  });

  it('统一社会信用代码: length, alphabet, check character, registration authority', () => {
    expect(problemOf({ creditCode: '91350100M000100Y4' }, 'creditCode')).toBe('统一社会信用代码须为18位');
    expect(problemOf({ creditCode: '91350100M000100I43' }, 'creditCode')).toBe('统一社会信用代码含有无效字符“I”（只能是数字和除 I、O、S、V、Z 以外的大写字母）');
    expect(problemOf({ creditCode: '91350100M000100Y44' }, 'creditCode')).toBe('统一社会信用代码校验位不正确，请核对是否有输错的字符');
    expect(problemOf({ creditCode: '000000000000000000' }, 'creditCode')).toBe('统一社会信用代码第1位（登记管理部门）无效');
    expect(problemOf({ creditCode: '91350100m000100y43' }, 'creditCode')).toBe('');
  });

  it('validates the credit code while it is typed (input trigger) and hints the expected check character', () => {
    const [creditRule] = confirmationRules(filled()).creditCode as FormItemRule[];
    expect(creditRule!.trigger).toContain('input');
    expect(creditCodeHint('91350100M000100Y4')).toBe('按前17位计算，第18位校验码应为“3”');
    expect(creditCodeHint('91350100M000100Y')).toBeNull();
    expect(creditCodeHint('91350100M000100I4')).toBeNull();
  });

  it('sends the generated ConfirmationDto shape: codes of the region, no empty landline, canonical credit code', () => {
    expect(confirmationBody({ ...filled(), landline: ' ', creditCode: '９1350100m000100y43' })).toEqual({
      recipient: '张明远',
      mobile: '13812345678',
      region: { provinceCode: '110000', cityCode: '110100', districtCode: '110108' },
      street: '中关村南大街5号',
      postcode: '100081',
      invoiceTitle: '北京某某数字科技有限公司',
      creditCode: '91350100M000100Y43',
    });
  });
});
