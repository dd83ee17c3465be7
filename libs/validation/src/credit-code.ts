import { normalizeInput } from './normalize';

/** GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z (too easily misread). */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_LENGTH = 18;
const MODULUS = CREDIT_CODE_ALPHABET.length; // 31, a prime: every single substitution changes the sum

/** Weight of position i is 3^i mod 31 (1, 3, 9, 27, 19, 26, …). */
const WEIGHTS: readonly number[] = Array.from({ length: CREDIT_CODE_LENGTH - 1 }, (_, i) => {
  let weight = 1;
  for (let k = 0; k < i; k += 1) weight = (weight * 3) % MODULUS;
  return weight;
});

/** 登记管理部门码 + 机构类别码 (the first two characters) as defined in GB 32100-2015 Table 1. */
const ORGANISATION_TYPES: Readonly<Record<string, string>> = {
  '11': '机关',
  '12': '事业单位',
  '13': '群众团体',
  '19': '其他（机构编制）',
  '31': '律师执业机构',
  '32': '公证处',
  '33': '基层法律服务所',
  '34': '司法鉴定机构',
  '35': '仲裁委员会',
  '39': '其他（司法行政）',
  '51': '社会团体',
  '52': '民办非企业单位',
  '53': '基金会',
  '59': '其他（民政）',
  '71': '宗教活动场所',
  '72': '宗教院校',
  '79': '其他（宗教）',
  '81': '基层工会',
  '89': '其他（工会）',
  '91': '企业',
  '92': '个体工商户',
  '93': '农民专业合作社',
  A1: '军队事业单位',
  A9: '其他（军队）',
  N1: '组级集体经济组织',
  N2: '村级集体经济组织',
  N3: '乡镇级集体经济组织',
  N9: '其他（农业）',
  Y1: '其他',
};

const REGISTRATION_AUTHORITIES = '123456789ANY';

export type CreditCodeErrorReason = 'length' | 'alphabet' | 'check-character' | 'registration-authority';

export type CreditCodeCheck =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly reason: CreditCodeErrorReason; readonly message: string };

/** The 18th character for the given first 17 (which must already be in the alphabet). */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== CREDIT_CODE_LENGTH - 1) throw new RangeError('需要统一社会信用代码的前17位');
  const sum = [...first17].reduce((acc, char, i) => {
    const value = CREDIT_CODE_ALPHABET.indexOf(char);
    if (value < 0) throw new RangeError(`字符 ${char} 不在统一社会信用代码字符集中`);
    return acc + value * (WEIGHTS[i] as number);
  }, 0);
  return CREDIT_CODE_ALPHABET[(MODULUS - (sum % MODULUS)) % MODULUS] as string;
}

function normalizeCreditCode(code: string): string {
  return normalizeInput(code).toUpperCase();
}

/** Validates syntax and the check character; on success returns the canonical (upper-case, half-width) code. */
export function validateCreditCode(input: string, label = '统一社会信用代码'): CreditCodeCheck {
  const code = normalizeCreditCode(input);
  if (code.length !== CREDIT_CODE_LENGTH) {
    return { ok: false, reason: 'length', message: `${label}须为18位` };
  }
  const foreign = [...code].find((char) => !CREDIT_CODE_ALPHABET.includes(char));
  if (foreign !== undefined) {
    return {
      ok: false,
      reason: 'alphabet',
      message: `${label}含有无效字符“${foreign}”（只能是数字和除 I、O、S、V、Z 以外的大写字母）`,
    };
  }
  if (creditCodeCheckCharacter(code.slice(0, -1)) !== code.slice(-1)) {
    return { ok: false, reason: 'check-character', message: `${label}校验位不正确，请核对是否有输错的字符` };
  }
  // An all-zero code passes the checksum; the first character must name a registration authority.
  if (!REGISTRATION_AUTHORITIES.includes(code[0] as string)) {
    return { ok: false, reason: 'registration-authority', message: `${label}第1位（登记管理部门）无效` };
  }
  return { ok: true, code };
}

/** Organisation type encoded in the first two characters (e.g. 12 → 事业单位), or null if not in the standard. */
export function creditCodeOrganisationType(code: string): string | null {
  return ORGANISATION_TYPES[normalizeCreditCode(code).slice(0, 2)] ?? null;
}

/** 机构性质 choices on the membership application form. */
export type InstitutionNature = '企业单位' | '事业单位' | '社会团体' | '机关' | '其他';

const EXPECTED_PREFIXES: Readonly<Record<InstitutionNature, readonly string[] | null>> = {
  企业单位: ['91', '92', '93'],
  事业单位: ['12', 'A1'],
  社会团体: ['51', '13'],
  机关: ['11'],
  其他: null,
};

/**
 * A warning (not an error — the applicant may know better, and dues tiers depend on 机构性质) when the
 * chosen 机构性质 disagrees with the type encoded in the credit code; null when they agree, when 其他 was
 * chosen, or when the code is too broken to tell (validateCreditCode reports that).
 */
export function creditCodeMatchesOrganisationType(code: string, nature: InstitutionNature): string | null {
  const expected = EXPECTED_PREFIXES[nature];
  const prefix = normalizeCreditCode(code).slice(0, 2);
  const encoded = creditCodeOrganisationType(code);
  if (expected === null || encoded === null || expected.includes(prefix)) return null;
  return `统一社会信用代码显示该机构为“${encoded}”（代码前两位 ${prefix}），与所选机构性质“${nature}”不一致，请核对`;
}
