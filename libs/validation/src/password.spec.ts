import COMMON_PASSWORDS_LIST from './common-passwords.json';
import {
  isCommonPassword,
  PASSWORD_STRENGTH_LABELS,
  passwordCharacterClasses,
  passwordProblems,
  passwordStrength,
  validatePassword,
} from './password';

describe('common password list', () => {
  it('has a few hundred distinct lower-case entries', () => {
    expect(COMMON_PASSWORDS_LIST.length).toBeGreaterThanOrEqual(300);
    expect(new Set(COMMON_PASSWORDS_LIST).size).toBe(COMMON_PASSWORDS_LIST.length);
    expect(COMMON_PASSWORDS_LIST.every((entry) => entry === entry.toLowerCase())).toBe(true);
  });

  it.each(['123456', '5201314', 'qq123456', 'woaini1314', 'password', '1qaz2wsx', 'QQ123456', 'WoAiNi1314'])(
    'knows %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['Lsc-2024-hui', 'tushuguan#88', '5201315x'])('does not list %s', (password) => {
    expect(isCommonPassword(password)).toBe(false);
  });
});

describe('passwordCharacterClasses', () => {
  it.each([
    ['abcdef', 1],
    ['abcDEF', 2],
    ['abcDEF12', 3],
    ['abcDEF12!', 4],
    ['!!!!!!', 1],
  ])('counts %s as %i', (password, classes) => {
    expect(passwordCharacterClasses(password)).toBe(classes);
  });
});

describe('passwordStrength', () => {
  it.each([
    ['123456', 'weak'],
    ['woaini1314', 'weak'],
    ['k9x!m2', 'weak'],
    ['zqxjkvbw', 'weak'],
    ['83920174', 'weak'],
    ['zqxjkv83', 'medium'],
    ['Zqxjkv83!', 'medium'],
    ['zqxjkvbwtp83', 'medium'],
    ['Zqxjkv8321', 'strong'],
    ['zq-xjkv8321', 'strong'],
    ['Lsc-2024-hui', 'strong'],
  ] as const)('rates %s as %s', (password, strength) => {
    expect(passwordStrength(password)).toBe(strength);
  });

  it('has Chinese labels for the meter', () => {
    expect(PASSWORD_STRENGTH_LABELS).toEqual({ weak: '弱', medium: '中', strong: '强' });
  });
});

describe('passwordProblems', () => {
  it('accepts 6 and 16 characters', () => {
    expect(passwordProblems('k9x!m2')).toEqual([]);
    expect(passwordProblems('k9x!m2k9x!m2k9x!')).toEqual([]);
  });

  it('rejects 5 and 17 characters', () => {
    expect(passwordProblems('k9x!m')).toEqual(['密码长度须在6-16位之间']);
    expect(passwordProblems('k9x!m2k9x!m2k9x!m')).toEqual(['密码长度须在6-16位之间']);
  });

  it('rejects spaces and full-width characters', () => {
    const message = '密码只能包含英文字母、数字和英文符号（不能有空格或全角字符）';
    expect(passwordProblems('k9x m2q')).toEqual([message]);
    expect(passwordProblems('ｋ9x!m2q')).toEqual([message]);
    expect(passwordProblems('图书馆k9x!m2')).toEqual([message]);
  });

  it('rejects a common password', () => {
    expect(passwordProblems('qq123456', '新密码')).toEqual(['新密码过于常见，容易被猜中，请换一个']);
  });
});

describe('validatePassword', () => {
  it('accepts a good password typed twice', () => {
    expect(validatePassword('Lsc-2024-hui', 'Lsc-2024-hui')).toEqual([]);
  });

  it('reports a differing confirmation', () => {
    expect(validatePassword('Lsc-2024-hui', 'Lsc-2024-Hui')).toEqual(['确认密码与密码不一致，两次输入密码需一致']);
  });

  it('reports every problem at once', () => {
    expect(validatePassword('k9x!m', 'k9x!m2')).toEqual(['密码长度须在6-16位之间', '确认密码与密码不一致，两次输入密码需一致']);
    expect(validatePassword('123456', '')).toEqual([
      '密码过于常见，容易被猜中，请换一个',
      '确认密码与密码不一致，两次输入密码需一致',
    ]);
  });
});
