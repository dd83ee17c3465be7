import { institutionNameProblems, isContactEmail, isWebsite, websiteProblems } from './contact';

describe('isContactEmail', () => {
  it.each(['office@nlc.cn', 'a.b-c_d@lib.pku.edu.cn', 'ＯＦＦＩＣＥ@ＮＬＣ.ＣＮ', ` ${'x'.repeat(23)}@qq.com `])(
    'accepts %s',
    (input) => {
      expect(isContactEmail(input)).toBe(true);
    },
  );

  it.each([
    [`${'x'.repeat(24)}@qq.com`, '31 characters'],
    ['office@', 'no domain'],
    ['office.nlc.cn', 'no @'],
    ['office@nlc', 'no top-level domain'],
    ['of fice@nlc.cn', 'space inside'],
    ['', 'empty'],
  ])('rejects %s (%s)', (input) => {
    expect(isContactEmail(input)).toBe(false);
  });
});

describe('institutionNameProblems', () => {
  it('accepts a normal name', () => {
    expect(institutionNameProblems('国家图书馆')).toEqual([]);
  });

  it('accepts exactly 200 characters after whitespace collapsing', () => {
    expect(institutionNameProblems(`${'馆'.repeat(100)}    ${'馆'.repeat(99)}`)).toEqual([]);
  });

  it('rejects 201 characters and names the field', () => {
    expect(institutionNameProblems('馆'.repeat(201))).toEqual(['机构名称不能超过200个字']);
  });

  it('rejects a blank name with the given label', () => {
    expect(institutionNameProblems(' \u3000 ', '单位名称')).toEqual(['单位名称不能为空']);
  });
});

describe('websiteProblems', () => {
  it.each(['http://www.lsc.org.cn', 'https://www.nlc.cn/web/index.shtml', 'https://lib.example.com:8443/a?b=c'])(
    'accepts %s',
    (input) => {
      expect(websiteProblems(input)).toEqual([]);
      expect(isWebsite(input)).toBe(true);
    },
  );

  it('rejects a bare domain because the scheme is required', () => {
    expect(websiteProblems('www.lsc.org.cn')).toEqual(['机构网址须为以 http:// 或 https:// 开头的网址']);
  });

  it('rejects other schemes', () => {
    expect(isWebsite('ftp://ftp.lsc.org.cn')).toBe(false);
    expect(isWebsite('javascript:alert(1)')).toBe(false);
  });

  it('rejects more than 50 characters', () => {
    const url = `https://www.lsc.org.cn/${'a'.repeat(28)}`;
    expect(url).toHaveLength(51);
    expect(websiteProblems(url)).toEqual(['机构网址不能超过50个字符']);
    expect(isWebsite(url.slice(0, 50))).toBe(true);
  });
});
