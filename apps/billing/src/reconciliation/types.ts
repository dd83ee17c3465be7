import { StatementLine } from '../statements/types';

export interface OpenOrder {
  orderId: string;
  institutionId: string;
  institutionName: string;
  aliases: string[];
  knownPayerAccounts: string[];
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
  score: number;
  reasons: string[];
}

export type MatchDecision =
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
