/**
 * A seeded, labelled matching set: open orders plus credit lines with the noise seen in real transfers.
 * `expectedOrderId` is the truth; null means the credit belongs to no open order.
 */
import * as OpenCC from 'opencc-js';
import { MAX_PAYMENT_CODE_NUMBER, makePaymentCode } from '../../src/reconciliation/payment-code';
import { MatchableLine, OpenOrder, RegisteredInstitution } from '../../src/reconciliation/types';

export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for test data. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

const PROVINCES = ['北京市', '上海市', '天津市', '重庆市', '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省', '云南省', '陕西省', '甘肃省', '青海省', '广西壮族自治区', '内蒙古自治区', '宁夏回族自治区', '新疆维吾尔自治区', '西藏自治区'];
const PLACE_CHARS = '安平山河东西南北江湖海阳明德兴华宁远长庆泰和顺昌永丰城新光文武清云龙凤鹤松柏桂兰梅竹溪泉源丘岭峰州陵阴沙石金银铜铁宝乐康寿福禄盛兆吉祥瑞嘉善仁义礼智信忠孝廉贤良淳厚朴实诚'.split('');
const UNIVERSITY_KINDS = ['大学', '师范大学', '理工大学', '医科大学', '财经大学', '职业技术学院', '师范学院'];
const FEES = [100000, 200000, 300000, 500000, 600000];
const PEOPLE = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄丽', '周杰', '吴刚'];
const UNRELATED_PAYERS = ['科技有限公司', '文化传媒有限公司', '印务有限公司', '图书发行有限公司', '信息技术有限公司'];
const UNRELATED_REMARKS = ['货款', '往来款', '服务费', '退款', '会议费', '培训费', '版权费', '网银转账', '资料费'];

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

const place = (rng: Rng, length: number): string => Array.from({ length }, () => pick(rng, PLACE_CHARS)).join('');

export interface MatchingCase {
  line: MatchableLine;
  expectedOrderId: string | null;
  scenario: string;
  /**
   * Only a person can tell where the money belongs (the payer is another registered institution than the one the
   * remark names): an automatic match of this case is wrong whatever order it picks.
   */
  mustReview?: boolean;
}

export interface MatchingSet {
  orders: OpenOrder[];
  /** Registered institutions without an open order (members, earlier applicants): parents and siblings of ordering ones. */
  institutions: RegisteredInstitution[];
  cases: MatchingCase[];
}

/** An automatic match is wrong when it picks another order than the truth, or when the case is one for a person. */
export const isWrongAuto = (c: MatchingCase, decision: { kind: string; orderId?: string }): boolean =>
  decision.kind === 'auto' && (decision.orderId !== c.expectedOrderId || c.mustReview === true);

function uniqueNames(rng: Rng, count: number): string[][] {
  // Each group shares a stem, so near-identical names (…图书馆 / …少儿图书馆, …大学图书馆 / …大学医学图书馆) coexist.
  const seen = new Set<string>();
  const groups: string[][] = [];
  let total = 0;
  while (total < count) {
    const province = pick(rng, PROVINCES);
    const flavour = rng();
    let group: string[];
    if (flavour < 0.45) {
      const stem = `${province}${place(rng, 2)}${province.endsWith('市') ? '区' : '市'}`;
      group = rng() < 0.5 ? [`${stem}图书馆`, `${stem}少儿图书馆`] : [`${stem}图书馆`];
    } else if (flavour < 0.8) {
      const stem = `${place(rng, 2)}${pick(rng, UNIVERSITY_KINDS)}`;
      group = rng() < 0.4 ? [`${stem}图书馆`, `${stem}医学图书馆`] : [`${stem}图书馆`];
    } else {
      const stem = `${province}${place(rng, 2)}${rng() < 0.5 ? '县' : '市'}`;
      group = rng() < 0.3 ? [`${stem}图书馆`, `${stem}第一中学图书馆`] : [`${stem}图书馆`];
    }
    if (group.some((n) => seen.has(n))) continue;
    group.forEach((n) => seen.add(n));
    groups.push(group);
    total += group.length;
  }
  return groups;
}

/** Parent organisation of a library ("XX大学图书馆" is paid for by "XX大学"). */
const parentOf = (name: string): string => name.replace(/(医学|第一中学)?图书馆$/, (_m, g: string | undefined) => (g === '第一中学' ? '第一中学' : ''));

export function generateOrders(rng: Rng, count: number, firstCodeNumber = 1000): OpenOrder[] {
  return uniqueNames(rng, count)
    .flat()
    .slice(0, count)
    .map((name, i) => {
      const fee = pick(rng, FEES);
      const years = pick(rng, [1, 1, 1, 2, 3, 5]);
      const parent = parentOf(name);
      const hasParentAccount = parent !== name && rng() < 0.6;
      return {
        orderId: `ORD-${String(i + 1).padStart(6, '0')}`,
        institutionId: `INST-${i + 1}`,
        institutionName: name,
        aliases: rng() < 0.2 ? [name.replace(/^(.+?[省市]|.+?自治区)/, '')] : [],
        knownPayerAccounts: hasParentAccount ? [`62${String(int(rng, 10 ** 14, 10 ** 15 - 1))}`] : [],
        amountDueFen: fee * years,
        amountPaidFen: 0,
        feePerYearFen: fee,
        years,
        // 7919 is odd, hence coprime with 32^5: the codes stay distinct while looking unrelated to each other.
        paymentCode: makePaymentCode((firstCodeNumber + i * 7919) % (MAX_PAYMENT_CODE_NUMBER + 1)),
        issuedOn: `2026-0${int(rng, 1, 6)}-${String(int(rng, 10, 28))}`,
      };
    });
}

const FULL_WIDTH = (s: string): string =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

function typo(rng: Rng, name: string): string {
  // Keep the institution-type suffix intact so the typo hits the distinguishing part, as real typos usually do.
  const i = int(rng, 0, Math.max(0, name.length - 4));
  return rng() < 0.6 ? name.slice(0, i) + pick(rng, PLACE_CHARS) + name.slice(i + 1) : name.slice(0, i) + name.slice(i + 1);
}

const amountFor = (rng: Rng, order: OpenOrder): { amountFen: number; label: string } => {
  const r = rng();
  const outstanding = order.amountDueFen - order.amountPaidFen;
  if (r < 0.75) return { amountFen: outstanding, label: '' };
  if (r < 0.85) return { amountFen: order.feePerYearFen * (order.years === 1 ? 3 : 1), label: '+multi' };
  if (r < 0.95) return { amountFen: Math.max(100, Math.floor(outstanding / 2)), label: '+partial' };
  return { amountFen: outstanding + 5000, label: '+over' };
};

function bookedOnFor(rng: Rng, order: OpenOrder): string {
  // Payments follow the order: same day up to about three months later.
  const month = Number(order.issuedOn.slice(5, 7)) + int(rng, 0, 3);
  const minDay = month === Number(order.issuedOn.slice(5, 7)) ? Number(order.issuedOn.slice(8, 10)) : 1;
  return `2026-${String(month).padStart(2, '0')}-${String(int(rng, minDay, 28)).padStart(2, '0')}`;
}

function matchedCase(rng: Rng, order: OpenOrder, lineNumber: number): MatchingCase {
  const name = order.institutionName;
  const person = pick(rng, PEOPLE);
  const phone = `13${int(rng, 100000000, 999999999)}`;
  const { amountFen, label } = amountFor(rng, order);
  const r = rng();
  let payerName = person;
  let payerAccount = `6217${int(rng, 10 ** 11, 10 ** 12 - 1)}`;
  let remark: string;
  let scenario: string;
  if (r < 0.15) [remark, payerName, scenario] = [`${name}会费`, name, 'clean'];
  else if (r < 0.25) [remark, scenario] = [`${name}交纳中图学会会费`, 'lsc-variant'];
  else if (r < 0.33) [remark, scenario] = [`${name}+2026会费+${phone}`, 'hubei-variant'];
  else if (r < 0.41) [remark, scenario] = [FULL_WIDTH(`${name} + 会费 2026`), 'full-width'];
  else if (r < 0.49) [remark, payerName, scenario] = [toTraditional(`${name}會費`), rng() < 0.5 ? toTraditional(name) : person, 'traditional'];
  else if (r < 0.57) [remark, scenario] = [rng() < 0.5 ? name : `${name}2026年度单位会费`, 'missing-or-extra-fee-word'];
  else if (r < 0.67) [remark, scenario] = [`${typo(rng, name)}会费`, 'typo-person-payer'];
  else if (r < 0.72) [remark, payerName, scenario] = [`${typo(rng, name)}会费`, name, 'typo-exact-payer'];
  else if (r < 0.82 && order.knownPayerAccounts.length > 0) {
    payerName = parentOf(name);
    payerAccount = order.knownPayerAccounts[0];
    [remark, scenario] = [pick(rng, ['会费', '图书馆会费', `${name}会费`, '']), 'parent-payer-known-account'];
  } else if (r < 0.92) {
    const code = pick(rng, [order.paymentCode, order.paymentCode.toLowerCase(), `${order.paymentCode.slice(0, 3)} ${order.paymentCode.slice(3)}`, FULL_WIDTH(order.paymentCode)]);
    [remark, scenario] = [rng() < 0.5 ? `会费 ${code}` : `${name}会费${code}`, 'payment-code'];
  } else {
    const broken = order.paymentCode.slice(0, 5) + (order.paymentCode[5] === 'Z' ? 'Y' : 'Z');
    [remark, scenario] = [`${name}会费 ${broken}`, 'payment-code-typo'];
  }
  return {
    line: { lineNumber, direction: 'credit', amountFen, payerName, payerAccount, remark, bookedOn: bookedOnFor(rng, order) },
    expectedOrderId: order.orderId,
    scenario: scenario + label,
  };
}

function unrelatedCase(rng: Rng, lineNumber: number): MatchingCase {
  const nonMember = rng() < 0.3;
  const payerName = nonMember ? `${pick(rng, PROVINCES)}${place(rng, 3)}区图书馆` : `${place(rng, 2)}${pick(rng, UNRELATED_PAYERS)}`;
  return {
    line: {
      lineNumber,
      direction: 'credit',
      amountFen: int(rng, 1, 5000) * 100,
      payerName,
      payerAccount: `6228${int(rng, 10 ** 11, 10 ** 12 - 1)}`,
      remark: nonMember ? `${payerName}资料费` : pick(rng, UNRELATED_REMARKS),
      bookedOn: `2026-0${int(rng, 3, 9)}-15`,
    },
    expectedOrderId: null,
    scenario: nonMember ? 'unrelated-library' : 'unrelated',
  };
}

/** Registered institutions related to an ordering one: its parent university or school, or a sibling library. */
function relatedInstitutions(rng: Rng, orders: readonly OpenOrder[]): Map<string, RegisteredInstitution> {
  const taken = new Set(orders.map((o) => o.institutionName));
  const related = new Map<string, RegisteredInstitution>();
  orders.forEach((order, i) => {
    if (rng() >= 0.1) return;
    const name = order.institutionName;
    const parent = parentOf(name);
    const sibling = name.endsWith('少儿图书馆') || name.endsWith('医学图书馆') ? name.replace(/(少儿|医学)图书馆$/, '图书馆') : name.replace(/图书馆$/, rng() < 0.5 ? '医学图书馆' : '少儿图书馆');
    const relative = parent !== name && rng() < 0.5 ? parent : sibling;
    if (taken.has(relative)) return;
    taken.add(relative);
    related.set(order.orderId, { institutionId: `REG-${i + 1}`, name: relative, aliases: [] });
  });
  return related;
}

/**
 * The payer's account name is another registered institution (a sibling college, a parent university with its own
 * membership) while the remark names the ordering one: a person decides (issue #24), even with the order's payment
 * code in the remark: the code says which order the remark means, not whose money it is.
 */
function otherInstitutionPayerCase(rng: Rng, order: OpenOrder, payer: RegisteredInstitution, lineNumber: number): MatchingCase {
  const coded = rng() < 0.25;
  const payerName = rng() < 0.2 ? toTraditional(payer.name) : payer.name;
  const remark = coded ? `${order.institutionName}会费 ${order.paymentCode}` : pick(rng, [`${order.institutionName}会费`, `${order.institutionName}交纳中图学会会费`, FULL_WIDTH(`${order.institutionName} + 会费 2026`)]);
  return {
    line: { lineNumber, direction: 'credit', amountFen: order.amountDueFen - order.amountPaidFen, payerName, payerAccount: `6222${int(rng, 10 ** 11, 10 ** 12 - 1)}`, remark, bookedOn: bookedOnFor(rng, order) },
    expectedOrderId: order.orderId,
    scenario: coded ? 'other-institution-payer+code' : 'other-institution-payer',
    mustReview: true,
  };
}

/**
 * The payer's account name is another applicant: an institution with its own open order (the other library of a
 * …图书馆 / …少儿图书馆 pair), while the remark names this order, with or without its payment code. A person decides;
 * the expected order is the remark's (the reviewer sees the payer's order next to it).
 */
function applicantPayerCase(rng: Rng, order: OpenOrder, payer: OpenOrder, lineNumber: number): MatchingCase {
  const coded = rng() < 0.5;
  const remark = coded ? pick(rng, [`${order.institutionName}会费 ${order.paymentCode}`, `会费${order.paymentCode}`]) : `${order.institutionName}会费`;
  return {
    line: { lineNumber, direction: 'credit', amountFen: order.amountDueFen - order.amountPaidFen, payerName: payer.institutionName, payerAccount: `6222${int(rng, 10 ** 11, 10 ** 12 - 1)}`, remark, bookedOn: bookedOnFor(rng, order) },
    expectedOrderId: order.orderId,
    scenario: coded ? 'applicant-payer+code' : 'applicant-payer',
    mustReview: true,
  };
}

/** Pairs of open orders whose institutions are siblings (…图书馆 and …少儿图书馆 / …医学图书馆 / …第一中学图书馆). */
function siblingOrderPairs(orders: readonly OpenOrder[]): Array<[OpenOrder, OpenOrder]> {
  const byName = new Map(orders.map((o) => [o.institutionName, o]));
  const pairs: Array<[OpenOrder, OpenOrder]> = [];
  for (const o of orders) {
    const m = /^(.*)(少儿|医学|第一中学)图书馆$/.exec(o.institutionName);
    const main = m ? byName.get(`${m[1]}图书馆`) : undefined;
    if (main) pairs.push([o, main], [main, o]);
  }
  return pairs;
}

export function generateMatchingSet(seed: number, orderCount: number, lineCount: number): MatchingSet {
  const rng = seededRng(seed);
  const orders = generateOrders(rng, orderCount);
  const cases = Array.from({ length: lineCount }, (_, i) =>
    rng() < 0.12 ? unrelatedCase(rng, i + 1) : matchedCase(rng, pick(rng, orders), i + 1),
  );
  // A second stream, so the cases above stay what they were before registered institutions were added.
  const more = seededRng(seed ^ 0x5eed);
  const related = relatedInstitutions(more, orders);
  const payers = [...related.entries()];
  const extra = payers.length === 0 ? 0 : Math.ceil(lineCount * 0.03);
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  for (let k = 0; k < extra; k++) {
    const [orderId, payer] = pick(more, payers);
    cases.push(otherInstitutionPayerCase(more, byId.get(orderId)!, payer, lineCount + k + 1));
  }
  // A third stream, so the cases above stay what they were before applicant payers were added.
  const third = seededRng(seed ^ 0xa991);
  const pairs = siblingOrderPairs(orders);
  const applicantCases = pairs.length === 0 ? 0 : Math.ceil(lineCount * 0.02);
  for (let k = 0; k < applicantCases; k++) {
    const [order, payer] = pick(third, pairs);
    cases.push(applicantPayerCase(third, order, payer, cases.length + 1));
  }
  return { orders, institutions: [...related.values()], cases };
}
