import 'reflect-metadata';
import { validateSync } from 'class-validator';
import { IsCnLandline, IsCnMobile, IsCnPostcode, IsContactEmail, MatchesProperty } from './decorators';
import { emailProblems, landlineProblems, mismatchProblems, mobileProblems, postcodeProblems, requiredProblems, smsCodeProblems } from './field-rules';

class Form {
  @IsCnMobile('新手机号') mobile!: string;
  @IsCnLandline('传真') fax!: string;
  @IsCnPostcode('邮编') postcode!: string;
  @IsContactEmail('邮箱') email!: string;
  password!: string;
  @MatchesProperty('password', '确认密码', '新密码') confirmPassword!: string;
}

const messageOf = (form: Form, property: keyof Form): string[] => Object.values(validateSync(form).find((e) => e.property === property)?.constraints ?? {});

describe('field rules: the decorators and the browser forms say the same thing', () => {
  it('each decorator answers exactly the message of the pure function the portal imports', () => {
    const form = Object.assign(new Form(), { mobile: '12345', fax: '88544588', postcode: '000000', email: 'a@b', password: 'Lib#2024read', confirmPassword: 'Lib#2024reaX' });
    expect(messageOf(form, 'mobile')).toEqual(mobileProblems('12345', '新手机号'));
    expect(messageOf(form, 'fax')).toEqual(landlineProblems('88544588', '传真'));
    expect(messageOf(form, 'postcode')).toEqual(postcodeProblems('000000', '邮编'));
    expect(messageOf(form, 'email')).toEqual(emailProblems('a@b', '邮箱'));
    expect(messageOf(form, 'confirmPassword')).toEqual(mismatchProblems('Lib#2024reaX', 'Lib#2024read', '确认密码', '新密码'));
  });

  it('words the messages the API answers', () => {
    expect(mobileProblems('12345')).toEqual(['手机号格式不正确']);
    expect(landlineProblems('88544588', '传真')).toEqual(['传真格式不正确，格式为：区号-电话号码（例：010-88544588）']);
    expect(postcodeProblems('12', '邮编')).toEqual(['邮编须为6位数字']);
    expect(requiredProblems('  ', '签收人')).toEqual(['签收人不能为空']);
    expect(smsCodeProblems('12a456')).toEqual(['短信验证码须为6位数字']);
    expect(smsCodeProblems('１２３４５６')).toEqual([]);
    expect(mobileProblems('13800138000')).toEqual([]);
  });
});
