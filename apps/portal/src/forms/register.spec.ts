import { describe, expect, it } from 'vitest';
import type { FormItemRule } from 'element-plus';
import { emptyRegisterModel, registerRules, registrationFields, type RegisterModel } from './register';

/** Runs the Element Plus rule of one field the way el-form does and answers its message ('' when it passes). */
function problemOf(model: RegisterModel, field: keyof RegisterModel): string {
  const rules = registerRules(model)[field] as FormItemRule[];
  let message = '';
  for (const r of rules) {
    r.validator?.(r, model[field], (e?: string | Error) => {
      if (e && !message) message = typeof e === 'string' ? e : e.message;
    }, model, {});
  }
  return message;
}

const filled = (): RegisterModel => ({
  ...emptyRegisterModel(),
  loginName: 'lib_2026',
  password: 'Lsc#2026xy9',
  confirmPassword: 'Lsc#2026xy9',
  landlineArea: '010',
  landlineNumber: '88544588',
  email: 'office@lib.cn',
  name: '北京某某数字科技有限公司',
  recommendingUnit: '中国图书馆学会',
  region: ['110000', '110100', '110108'],
  street: '中关村南大街5号',
  postcode: '100081',
  website: 'https://www.lib.cn',
  fax: '0317-88544588',
  remark: '',
  mobile: '13812345678',
  smsCode: '123456',
  captchaAnswer: '4',
});

function expectProblem(change: Partial<RegisterModel>, field: keyof RegisterModel, message: string) {
  const model = { ...filled(), ...change };
  expect(problemOf(model, field)).toBe(message);
}

describe('registration form rules (the API’s own rules and Chinese messages)', () => {
  it('accepts the guide’s complete form', () => {
    const model = filled();
    for (const field of Object.keys(registerRules(model)) as Array<keyof RegisterModel>) expect([field, problemOf(model, field)]).toEqual([field, '']);
  });

  it('requires every 带* field with “X不能为空”', () => {
    expectProblem({ password: '' }, 'password', '密码不能为空');
    expectProblem({ confirmPassword: '' }, 'confirmPassword', '确认密码不能为空');
    expectProblem({ landlineArea: '', landlineNumber: '' }, 'landlineNumber', '电话号码不能为空');
    expectProblem({ email: '  ' }, 'email', '邮箱不能为空');
    expectProblem({ name: '' }, 'name', '机构名称不能为空');
    expectProblem({ recommendingUnit: '' }, 'recommendingUnit', '推荐单位不能为空');
    expectProblem({ region: [] }, 'region', '所在地区不能为空');
    expectProblem({ street: '' }, 'street', '详细地址不能为空');
    expectProblem({ postcode: '' }, 'postcode', '邮编不能为空');
    expectProblem({ mobile: '' }, 'mobile', '手机号不能为空');
    expectProblem({ smsCode: '' }, 'smsCode', '短信验证码不能为空');
    expectProblem({ captchaAnswer: '' }, 'captchaAnswer', '校验码不能为空');
  });

  it('password: 6–16 characters, ASCII only, not a common one; confirmation must match', () => {
    expectProblem({ password: 'Ab1!x' }, 'password', '密码长度须在6-16位之间');
    expectProblem({ password: 'Ab1!xAb1!xAb1!xAb' }, 'password', '密码长度须在6-16位之间');
    expectProblem({ password: 'Ｌsc2026xy' }, 'password', '密码只能包含英文字母、数字和英文符号（不能有空格或全角字符）');
    expectProblem({ password: '123456', confirmPassword: '123456' }, 'password', '密码过于常见，容易被猜中，请换一个');
    expectProblem({ confirmPassword: 'Lsc#2026xy8' }, 'confirmPassword', '确认密码与密码不一致，两次输入密码需一致');
  });

  it('电话号码 is 区号-号码 and 传真 the same format when given', () => {
    expectProblem({ landlineArea: '10', landlineNumber: '88544588' }, 'landlineNumber', '电话号码格式不正确，格式为：区号-电话号码（例：010-88544588）');
    expectProblem({ landlineArea: '010', landlineNumber: '8854' }, 'landlineNumber', '电话号码格式不正确，格式为：区号-电话号码（例：010-88544588）');
    expectProblem({ landlineArea: '０３１７', landlineNumber: '８８５４４５８８' }, 'landlineNumber', '');
    expectProblem({ fax: '88544588' }, 'fax', '传真格式不正确，格式为：区号-电话号码（例：010-88544588）');
    expectProblem({ fax: '' }, 'fax', '');
  });

  it('邮箱: syntax and at most 30 characters', () => {
    expectProblem({ email: 'office@' }, 'email', '邮箱格式不正确');
    expectProblem({ email: `${'a'.repeat(25)}@lib.cn` }, 'email', '邮箱不能超过30个字符');
  });

  it('机构名称 at most 200 characters; 机构网址 http(s) and at most 50', () => {
    expectProblem({ name: '图'.repeat(201) }, 'name', '机构名称不能超过200个字');
    expectProblem({ name: '图'.repeat(200) }, 'name', '');
    expectProblem({ website: 'www.lib.cn' }, 'website', '机构网址须为以 http:// 或 https:// 开头的网址');
    expectProblem({ website: `https://${'a'.repeat(40)}.lib.cn` }, 'website', '机构网址不能超过50个字符');
    expectProblem({ website: '' }, 'website', '');
  });

  it('所在地区 must be a real county of the area data; 详细地址 must not repeat it', () => {
    expectProblem({ region: ['340000', '341500', '341501'] }, 'region', '所在地区的“市辖区”（341501）不是具体区县，请选择六安市下的具体区/县');
    expectProblem({ region: ['110000', '120100', '120101'] }, 'region', '所在地区的城市 天津市（120100）不属于北京市');
    expectProblem({ street: '北京市海淀区中关村南大街5号' }, 'street', '详细地址无需再填写省市县，请删去开头的“北京市”，只填写街道门牌号');
    expectProblem({ street: '路'.repeat(501) }, 'street', '详细地址不能超过500个字');
  });

  it('邮编 is six digits of an allocated zone', () => {
    expectProblem({ postcode: '10008' }, 'postcode', '邮编须为6位数字');
    expectProblem({ postcode: '980000' }, 'postcode', '邮编不是有效的邮政编码');
    expectProblem({ postcode: '７１００６１' }, 'postcode', '');
  });

  it('手机号, 短信验证码, 校验码, 登录名 and 备注', () => {
    expectProblem({ mobile: '12812345678' }, 'mobile', '手机号格式不正确');
    expectProblem({ mobile: '+86 138-1234-5678' }, 'mobile', '');
    expectProblem({ smsCode: '12345' }, 'smsCode', '短信验证码须为6位数字');
    expectProblem({ captchaAnswer: 'four' }, 'captchaAnswer', '校验码须填写算式的计算结果');
    expectProblem({ loginName: 'ab' }, 'loginName', '登录名须为4-30位英文字母、数字或下划线');
    expectProblem({ loginName: '' }, 'loginName', '');
    expectProblem({ remark: '备'.repeat(501) }, 'remark', '备注不能超过500个字');
  });
});

describe('registrationFields', () => {
  it('sends the API’s field names, 区号-号码 joined, optional fields only when filled', () => {
    const fields = registrationFields({ ...filled(), website: '', remark: ' ' }, 'cap-id');
    expect(fields).toMatchObject({ landline: '010-88544588', provinceCode: '110000', cityCode: '110100', districtCode: '110108', captchaId: 'cap-id', captchaAnswer: '4', agreementAccepted: 'true', fax: '0317-88544588', loginName: 'lib_2026' });
    expect(fields).not.toHaveProperty('website');
    expect(fields).not.toHaveProperty('remark');
  });
});
