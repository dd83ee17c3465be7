/**
 * A 北京银行 statement (GBK, title block, CRLF) holding one transfer per journey, written the way payers write the
 * remark (`<名称>＋ 会费`: full-width plus, a space, no payment code), plus one unrelated credit — what the chaos suite's
 * and the flow bench's finance clerk imports.
 */
import iconv from 'iconv-lite';
import type { JourneyRecord } from './patient-user';

/** 1800000 fen → "18,000.00", from integers only (money is never a float here). */
export function yuanText(fen: number): string {
  const yuan = Math.trunc(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${yuan}.${String(fen % 100).padStart(2, '0')}`;
}

export function journeyStatement(referencePrefix: string, batch: number, rows: ReadonlyArray<Pick<JourneyRecord, 'i' | 'name' | 'amountDueFen'>>): Buffer {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const lines = [
    '北京银行对公账户交易明细', '账号：20000006591600105310002', '户名：中国图书馆学会', '开户行：北京银行白石桥支行', `查询期间：${today} 至 ${today}`, '',
    '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
    `${today},08:00:00,${referencePrefix}B${batch}X,转账,,"3,200.00",,6222000011112222,某某出版社,中国银行北京分行,图书款`,
    ...rows.map((j) => `${today},09:00:00,${referencePrefix}N${j.i},转账,,"${yuanText(j.amountDueFen ?? 0)}",,="62220202${String(j.i).padStart(11, '0')}",${j.name},中国工商银行北京分行,${j.name}＋ 会费`),
  ];
  return iconv.encode(lines.join('\r\n'), 'gbk');
}
