import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import {
  IsCnLandline,
  IsCnMobile,
  IsCnPassword,
  IsCnPostcode,
  IsContactEmail,
  IsCreditCode,
  IsInstitutionName,
  IsRegionTriple,
  IsStreetAddress,
  IsWebsite,
  MatchesProperty,
  NormalizeInput,
  NormalizeMobile,
} from './decorators';

class RegistrationDto {
  @IsCnPassword()
  password!: string;

  @MatchesProperty('password')
  confirmPassword!: string;

  @IsCnLandline()
  telephone!: string;

  @IsOptional()
  @IsCnLandline('传真')
  fax?: string;

  @NormalizeInput()
  @IsContactEmail()
  email!: string;

  @IsInstitutionName()
  institutionName!: string;

  provinceCode!: string;
  cityCode!: string;

  @IsRegionTriple('provinceCode', 'cityCode')
  districtCode!: string;

  @IsStreetAddress({ province: 'provinceCode', city: 'cityCode', district: 'districtCode' })
  streetAddress!: string;

  @NormalizeInput()
  @IsCnPostcode()
  postcode!: string;

  @IsOptional()
  @IsWebsite()
  website?: string;

  @NormalizeMobile()
  @IsCnMobile()
  mobile!: string;

  @IsCreditCode()
  creditCode!: string;
}

const valid = {
  password: 'Lsc-2024-hui',
  confirmPassword: 'Lsc-2024-hui',
  telephone: '010-88544588',
  fax: '0317-88544588',
  email: 'office@nlc.cn',
  institutionName: '国家图书馆',
  provinceCode: '110000',
  cityCode: '110100',
  districtCode: '110108',
  streetAddress: '中关村南大街33号',
  postcode: '100081',
  website: 'http://www.nlc.cn',
  mobile: '+86 138-0013-8000',
  creditCode: '91350100M000100Y43',
};

function messages(input: Record<string, unknown>): Record<string, string[]> {
  const dto = plainToInstance(RegistrationDto, input);
  return Object.fromEntries(validateSync(dto).map((error) => [error.property, Object.values(error.constraints ?? {})]));
}

describe('validation decorators', () => {
  it('accept a valid registration', () => {
    expect(messages(valid)).toEqual({});
  });

  it('normalise the mobile number and e-mail on transformation', () => {
    const dto = plainToInstance(RegistrationDto, { ...valid, email: ' ｏｆｆｉｃｅ@nlc.cn ' });
    expect(dto.mobile).toBe('13800138000');
    expect(dto.email).toBe('office@nlc.cn');
  });

  it('report each field in Chinese, naming the field', () => {
    expect(
      messages({
        ...valid,
        password: '123456',
        confirmPassword: '1234567',
        telephone: '1234-12345678',
        fax: '88544588',
        email: 'office@',
        institutionName: '',
        districtCode: '341502',
        streetAddress: '北京市海淀区中关村南大街33号',
        postcode: '71006',
        website: 'www.nlc.cn',
        mobile: '1111',
        creditCode: '91350100M000100Y44',
      }),
    ).toEqual({
      password: ['密码过于常见，容易被猜中，请换一个'],
      confirmPassword: ['确认密码与密码不一致'],
      telephone: ['电话号码格式不正确，格式为：区号-电话号码（例：010-88544588）'],
      fax: ['传真格式不正确，格式为：区号-电话号码（例：010-88544588）'],
      email: ['邮箱格式不正确'],
      institutionName: ['机构名称不能为空'],
      districtCode: ['所在地区的区/县 金安区（341502）不属于北京市'],
      postcode: ['邮编须为6位数字'],
      website: ['机构网址须为以 http:// 或 https:// 开头的网址'],
      mobile: ['手机号格式不正确'],
      creditCode: ['统一社会信用代码校验位不正确，请核对是否有输错的字符'],
    });
  });

  it('check the street address against the chosen region', () => {
    expect(messages({ ...valid, streetAddress: '北京市海淀区中关村南大街33号' })).toEqual({
      streetAddress: ['详细地址无需再填写省市县，请删去开头的“北京市”，只填写街道门牌号'],
    });
  });

  it('distinguish a six-digit but unallocated postcode and an over-long e-mail', () => {
    expect(messages({ ...valid, postcode: '140000', email: `${'x'.repeat(24)}@qq.com` })).toEqual({
      postcode: ['邮编不是有效的邮政编码'],
      email: ['邮箱不能超过30个字符'],
    });
  });

  it('join several password problems into one message', () => {
    expect(messages({ ...valid, password: '12345', confirmPassword: '12345' })).toEqual({
      password: ['密码长度须在6-16位之间；密码过于常见，容易被猜中，请换一个'],
    });
  });

  it('reject non-string values with a Chinese message', () => {
    expect(messages({ ...valid, mobile: 13800138000 })).toEqual({ mobile: ['手机号须为文本'] });
  });

  it('use the label given in the DTO', () => {
    class ShippingDto {
      @IsCnMobile('签收人手机号码')
      mobile!: string;
    }
    const errors = validateSync(plainToInstance(ShippingDto, { mobile: '11 839' }));
    expect(errors[0]?.constraints).toEqual({ isCnMobile: '签收人手机号码格式不正确' });
  });
});
