import { StatementLine } from '../statements/types';

export interface OpenOrder {
  orderId: string;
  institutionId: string;
  institutionName: string;
  /** Other names of the institution itself: former names, abbreviations. */
  aliases: string[];
  knownPayerAccounts: string[];
  /**
   * Account names that finance confirmed as paying for this institution (a parent university, a person). They are
   * evidence of who pays, not the institution's own name, and reasons say so.
   */
  knownPayerNames?: string[];
  amountDueFen: number;
  amountPaidFen: number;
  feePerYearFen: number;
  years: number;
  paymentCode: string;
  issuedOn: string;
}

export type MatchableLine = Pick<
  StatementLine,
  'direction' | 'amountFen' | 'payerName' | 'payerAccount' | 'remark' | 'bookedOn'
> & Partial<Pick<StatementLine, 'lineNumber' | 'contentHash'>>;

export interface ScoredCandidate {
  orderId: string;
  /** For display: rounded to 3 decimals. Decisions are taken on the unrounded score. */
  score: number;
  reasons: string[];
}

/**
 * An institution billing knows (it applied, or is a member) that has no open order: a payer account name equal to its
 * name means the money comes from that institution, which must not be booked silently to another one.
 */
export interface RegisteredInstitution {
  institutionId: string;
  name: string;
  /** Former names and other names of its own (not payer names learned for it). */
  aliases: string[];
}

export type MatchDecision =
  /** `confidence` is the score rounded for display; the threshold was tested on the unrounded score. */
  | { kind: 'auto'; orderId: string; confidence: number; reasons: string[]; notes: string[] }
  | { kind: 'suggest'; candidates: ScoredCandidate[]; notes: string[] }
  | { kind: 'unmatched'; notes: string[] };

export interface ReconcilerOptions {
  /** Minimum score for an automatic match. */
  autoThreshold: number;
  /** The runner-up must trail the best by at least this much for an automatic match. */
  autoMargin: number;
  /** Candidates below this are not suggested. */
  suggestFloor: number;
  /** Payments booked more than this many days after the order was issued are penalised. */
  dateWindowDays: number;
  /** How many name-retrieved candidates are scored per line. */
  maxNameCandidates: number;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  autoThreshold: 0.9,
  autoMargin: 0.15,
  suggestFloor: 0.3,
  dateWindowDays: 180,
  maxNameCandidates: 8,
};
