/**
 * Column profiles are plain data so a new bank is a new object, not new code. Each field lists header aliases in
 * priority order; `remark` is ordered so the payer's own text (附言/用途/备注) wins over the bank's 摘要.
 */
export interface ColumnProfile {
  name: string;
  description: string;
  /** Headers that must all be present for auto-detection to pick this profile (generic has none). */
  signature: string[];
  columns: {
    date: string[];
    time: string[];
    payerName: string[];
    payerAccount: string[];
    payerBank: string[];
    /** A credit-only amount column. */
    credit: string[];
    /** A debit-only amount column. */
    debit: string[];
    /** A signed or unsigned amount whose direction comes from `direction` (or its sign). */
    amount: string[];
    direction: string[];
    remark: string[];
    bankReference: string[];
    balance: string[];
  };
  creditMarkers: string[];
  debitMarkers: string[];
  /** Text banks put in 摘要 themselves; never preferred as the payer's remark. */
  bankBoilerplate: string[];
}

const BANK_BOILERPLATE = [
  '转账', '网银转账', '跨行转账', '行内转账', '汇入', '汇款', '来账', '往账', '转存', '网上银行', '手机银行',
  '电子汇入', '大额来账', '小额来账', '超级网银', '转账收入', '收款', '贷记', '代发', '他行来账', '本行来账',
];

export const GENERIC_PROFILE: ColumnProfile = {
  name: 'generic',
  description: '通用网银导出（按表头别名识别列）',
  signature: [],
  columns: {
    date: ['交易日期', '记账日期', '到账日期', '入账日期', '交易时间', '日期'],
    time: ['交易时间', '时间'],
    payerName: ['对方户名', '对方单位名称', '对方名称', '付款人名称', '付款方户名', '对方账户名称', '付款人户名'],
    payerAccount: ['对方账号', '付款人账号', '对方账户', '付款方账号', '对方账户账号'],
    payerBank: ['对方开户行', '对方行名', '付款人开户行', '对方开户机构', '付款行名称'],
    credit: ['收入金额', '贷方发生额', '贷方金额', '收入', '存入金额', '贷方'],
    debit: ['支出金额', '借方发生额', '借方金额', '支出', '支取金额', '借方'],
    amount: ['交易金额', '发生额', '金额'],
    direction: ['借贷标志', '收支方向', '借贷方向', '收付方向', '借贷', '方向', '交易方向'],
    remark: ['附言', '用途', '备注', '摘要', '交易附言', '交易用途'],
    bankReference: ['交易流水号', '流水号', '凭证号', '交易参考号', '银行流水号', '凭证号码'],
    balance: ['账户余额', '余额', '明细余额', '期末余额', '联机余额'],
  },
  creditMarkers: ['贷', '收', '收入', '贷方', '2', 'C', 'CR', 'CRDT', '+', '来账', '转入'],
  debitMarkers: ['借', '支', '支出', '借方', '1', 'D', 'DR', 'DBIT', '-', '往账', '转出'],
  bankBoilerplate: BANK_BOILERPLATE,
};

/**
 * 北京银行 corporate e-banking detail export (the LSC receiving account is at 北京银行白石桥支行). The column set is
 * modelled on the bank's "对公账户交易明细" download; adjust the aliases here if a real export differs.
 */
export const BANK_OF_BEIJING_PROFILE: ColumnProfile = {
  name: 'bank-of-beijing',
  description: '北京银行对公账户交易明细',
  signature: ['交易日期', '借方发生额', '贷方发生额', '对方户名'],
  columns: {
    ...GENERIC_PROFILE.columns,
    date: ['交易日期', '记账日期'],
    time: ['交易时间'],
    credit: ['贷方发生额', '贷方发生额(元)'],
    debit: ['借方发生额', '借方发生额(元)'],
    amount: [],
    direction: [],
    remark: ['附言', '用途', '备注', '摘要'],
    bankReference: ['交易流水号', '凭证号'],
    balance: ['余额', '账户余额'],
  },
  creditMarkers: GENERIC_PROFILE.creditMarkers,
  debitMarkers: GENERIC_PROFILE.debitMarkers,
  bankBoilerplate: BANK_BOILERPLATE,
};

export const BUILT_IN_PROFILES: readonly ColumnProfile[] = [BANK_OF_BEIJING_PROFILE, GENERIC_PROFILE];

/** Header text as compared: NFKC, no whitespace, no unit suffix like （元）/(人民币). */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\((元|人民币|RMB|CNY)\)$/i, '')
    .replace(/[*:：]$/, '');
}

export function allAliases(profile: ColumnProfile): Set<string> {
  return new Set(Object.values(profile.columns).flat().map(normaliseHeader));
}

/** Picks the most specific profile whose signature headers are all present; generic otherwise. */
export function detectProfile(headers: string[], profiles: readonly ColumnProfile[] = BUILT_IN_PROFILES): ColumnProfile {
  const present = new Set(headers.map(normaliseHeader));
  const matching = profiles
    .filter((p) => p.signature.every((h) => present.has(normaliseHeader(h))))
    .sort((a, b) => b.signature.length - a.signature.length);
  return matching[0] ?? GENERIC_PROFILE;
}

export function findProfile(name: string, profiles: readonly ColumnProfile[] = BUILT_IN_PROFILES): ColumnProfile | undefined {
  return profiles.find((p) => p.name === name);
}
