import { parseAmountFen } from './money';
import { Cell } from './types';
import { cellText } from './header-row';

export interface TitleFacts {
  accountNumber?: string;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
}

const ACCOUNT = /(?:本方)?账号[:：]?\s*([0-9][0-9 -]{5,})/;
const OPENING = /(?:期初余额|上期余额|起始余额)[:：]?\s*([-(（¥￥0-9０-９,，.．)）元 ]+)/;
const CLOSING = /(?:期末余额|本期余额|截止余额)[:：]?\s*([-(（¥￥0-9０-９,，.．)）元 ]+)/;

/** Reads facts from title/footer lines, where a label and its value may share a cell or sit in adjacent cells. */
export function readTitleFacts(rows: Cell[][]): TitleFacts {
  const facts: TitleFacts = {};
  for (const cells of rows) {
    const line = cells.map(cellText).filter((t) => t !== '').join(' ');
    const account = ACCOUNT.exec(line.normalize('NFKC'));
    if (account && facts.accountNumber === undefined) facts.accountNumber = account[1].replace(/[ -]/g, '');
    const opening = OPENING.exec(line);
    if (opening && facts.openingBalanceFen === undefined) {
      facts.openingBalanceFen = parseAmountFen(opening[1].trim()) ?? undefined;
    }
    const closing = CLOSING.exec(line);
    if (closing && facts.closingBalanceFen === undefined) {
      facts.closingBalanceFen = parseAmountFen(closing[1].trim()) ?? undefined;
    }
  }
  return facts;
}
