/** Normalised bank-statement model shared by every format reader. Money is integer fen. */
export type Direction = 'credit' | 'debit';

export interface StatementLine {
  /**
   * Position in the source file, 1-based: the CSV/XLSX row; for camt.053 the entry counted across all statements of
   * the file (each transaction of a batch-booked entry counted as one).
   */
  lineNumber: number;
  /** Wall-clock booking date in Asia/Shanghai, YYYY-MM-DD. */
  bookedOn: string;
  /** ISO 8601 with +08:00 when the bank gives a time of day. */
  bookedAt?: string;
  direction: Direction;
  amountFen: number;
  payerName: string;
  payerAccount: string;
  payerBank?: string;
  /** The payer's own words (附言/用途/备注), falling back to the bank's 摘要. */
  remark: string;
  bankReference?: string;
  /**
   * The account that booked the line, where the file says so per statement (camt.053 may carry statements of several
   * accounts): a bank reference is unique per account only.
   */
  accountNumber?: string;
  /** sha256 of the normalised row plus its occurrence index in the file; stable across re-imports. */
  contentHash: string;
}

export interface RejectedRow {
  lineNumber: number;
  reason: string;
  raw: string;
  /** camt.053: which entry of which statement (the reason says it too, in words). */
  entry?: { statementId: string; index: number; reference?: string };
}

/** One statement of a file that holds several (camt.053 `Stmt`), with its own account, currency and balance check. */
export interface StatementSection {
  /** The bank's statement id (`Stmt/Id`), or its position in the file when the bank gives none. */
  id: string;
  accountNumber?: string;
  currency: string;
  /** Absent when the statement gives none, or is not in yuan (its balances are no amounts in fen). */
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  /** `Ntry` elements; `imported` counts lines (a batch-booked entry gives one per transaction), `rejected` entries. */
  entries: number;
  imported: number;
  rejected: number;
  /** Opening balance plus this statement's imported lines against its closing balance. */
  balanceCheck: BalanceCheck;
}

export type StatementFormat = 'csv' | 'xlsx' | 'camt053';
export type BalanceCheck = 'ok' | 'mismatch' | 'not_available';

export interface StatementParseResult {
  format: StatementFormat;
  profile: string;
  encoding?: 'utf-8' | 'gb18030';
  accountNumber?: string;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  lines: StatementLine[];
  rejected: RejectedRow[];
  /** For a file of several statements: `mismatch` if any statement's is, `ok` if every one's is. */
  balanceCheck: BalanceCheck;
  /** camt.053: every statement of the file, each with its own balance check. */
  statements?: StatementSection[];
}

/** A spreadsheet/CSV cell as the readers hand it over; Date only from XLSX. */
export type Cell = string | number | Date | null;

export interface SourceRow {
  lineNumber: number;
  cells: Cell[];
}

/** A line before hashing; readers produce these, parse-statement adds the hash. */
export type UnhashedLine = Omit<StatementLine, 'contentHash'>;

export class StatementFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatementFormatError';
  }
}
