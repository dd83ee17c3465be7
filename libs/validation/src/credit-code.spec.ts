import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  creditCodeMatchesOrganisationType,
  creditCodeOrganisationType,
  validateCreditCode,
} from './credit-code';

const STANDARD_EXAMPLE = '91350100M000100Y43';

function withCheckCharacter(first17: string): string {
  return first17 + creditCodeCheckCharacter(first17);
}

describe('validateCreditCode', () => {
  it('accepts the example from GB 32100-2015', () => {
    expect(validateCreditCode(STANDARD_EXAMPLE)).toEqual({ ok: true, code: STANDARD_EXAMPLE });
  });

  it('computes 3 as the check character of the standard example', () => {
    expect(creditCodeCheckCharacter(STANDARD_EXAMPLE.slice(0, 17))).toBe('3');
  });

  it('canonicalises full-width and lower-case input', () => {
    expect(validateCreditCode(' ９１３５０１００ｍ０００１００ｙ４３ ')).toEqual({ ok: true, code: STANDARD_EXAMPLE });
  });

  it('detects every single-character substitution of the standard example', () => {
    let corruptions = 0;
    for (let position = 0; position < STANDARD_EXAMPLE.length; position += 1) {
      for (const replacement of CREDIT_CODE_ALPHABET) {
        if (replacement === STANDARD_EXAMPLE[position]) continue;
        const corrupted = STANDARD_EXAMPLE.slice(0, position) + replacement + STANDARD_EXAMPLE.slice(position + 1);
        expect(validateCreditCode(corrupted)).toMatchObject({ ok: false, reason: 'check-character' });
        corruptions += 1;
      }
    }
    expect(corruptions).toBe(18 * 30);
  });

  it.each([
    ['91350100M000100Y4', 'length'],
    ['91350100M000100Y433', 'length'],
    ['', 'length'],
    ['91350100M000100I43', 'alphabet'],
    ['91350100M000100O43', 'alphabet'],
    ['91350100M00010-Y43', 'alphabet'],
    ['111111111111111111', 'check-character'],
    ['000000000000000000', 'registration-authority'],
  ])('rejects %s (%s)', (code, reason) => {
    const result = validateCreditCode(code);
    expect(result).toMatchObject({ ok: false, reason });
    expect(!result.ok && result.message.startsWith('统一社会信用代码')).toBe(true);
  });

  it('names the offending character', () => {
    expect(validateCreditCode('91350100M000100S43')).toMatchObject({
      message: '统一社会信用代码含有无效字符“S”（只能是数字和除 I、O、S、V、Z 以外的大写字母）',
    });
  });

  it('accepts codes of other organisation types with a correct check character', () => {
    expect(validateCreditCode(withCheckCharacter('12100000400012345')).ok).toBe(true);
    expect(validateCreditCode(withCheckCharacter('Y1110000MA0000001')).ok).toBe(true);
  });
});

describe('creditCodeOrganisationType', () => {
  it.each([
    ['11', '机关'],
    ['12', '事业单位'],
    ['13', '群众团体'],
    ['51', '社会团体'],
    ['52', '民办非企业单位'],
    ['53', '基金会'],
    ['91', '企业'],
    ['92', '个体工商户'],
    ['93', '农民专业合作社'],
  ])('maps %s to %s', (prefix, type) => {
    expect(creditCodeOrganisationType(`${prefix}1100004000123456`)).toBe(type);
  });

  it('returns null for prefixes outside the standard', () => {
    expect(creditCodeOrganisationType('00350100M000100Y43')).toBeNull();
    expect(creditCodeOrganisationType('94350100M000100Y43')).toBeNull();
  });
});

describe('creditCodeMatchesOrganisationType', () => {
  it.each([
    ['91', '企业单位'],
    ['93', '企业单位'],
    ['12', '事业单位'],
    ['51', '社会团体'],
    ['11', '机关'],
    ['52', '其他'],
    ['91', '其他'],
  ] as const)('has no warning for %s and %s', (prefix, nature) => {
    expect(creditCodeMatchesOrganisationType(`${prefix}1100004000123456`, nature)).toBeNull();
  });

  it('warns when an enterprise code is declared as 事业单位', () => {
    expect(creditCodeMatchesOrganisationType(STANDARD_EXAMPLE, '事业单位')).toBe(
      '统一社会信用代码显示该机构为“企业”（代码前两位 91），与所选机构性质“事业单位”不一致，请核对',
    );
  });

  it.each([
    ['12', '企业单位'],
    ['11', '社会团体'],
    ['51', '机关'],
    ['53', '社会团体'],
  ] as const)('warns for %s declared as %s', (prefix, nature) => {
    expect(creditCodeMatchesOrganisationType(`${prefix}1100004000123456`, nature)).toContain(`“${nature}”不一致`);
  });

  it('leaves unknown prefixes to validateCreditCode', () => {
    expect(creditCodeMatchesOrganisationType('000000000000000000', '企业单位')).toBeNull();
  });
});
