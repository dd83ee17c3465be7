import { createHash, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { TransferV1 } from '@lsc/contracts';
import { copyInto, isUniqueViolation, MultiStreamEventStore, withTransaction, type NewEvent, type OutboxMessage, type PostgresEventStore } from '@lsc/event-sourcing';
import { OrderStreamConflict, type PaymentOrders, type PaymentToApply } from '../orders/payment-orders';
import { createDuplicateFinder, createReconciler, DUPLICATE_LOOKBACK_DAYS, NO_MATCH_NOTE, type MatchDecision, type OpenOrder, type PossibleDuplicate, type RegisteredInstitution, type ScoredCandidate } from '../reconciliation';
import { billingUpcasters } from '../upcasters';
import { holdLargeCredit } from '../domain/four-eyes';
import { parseStatement, type StatementLine, type StatementParseResult } from '../statements';
import { paymentMatchedMessage, transferImportedMessage, transferPayload, transferUnmatchedMessage, unmatchedPayload } from './transfer-messages';

export interface ImportInput {
  content: Buffer;
  filename: string;
  contentType?: string;
  profile?: string;
  actor: string;
  correlationId: string;
}

export interface ImportSummary {
  statementId: string;
  format: string;
  profile: string;
  balanceCheck: string;
  flagged: boolean;
  lines: number;
  credits: number;
  newCredits: number;
  duplicates: number;
  debitsIgnored: number;
  rejected: StatementParseResult['rejected'];
  /** camt.053: each statement of the file with its own balance check. */
  statements?: StatementParseResult['statements'];
  autoMatched: number;
  suggested: number;
  unmatched: number;
}

export interface ImporterOptions {
  billingTopic: string;
  /** 0–1; the reconciler's default when omitted. */
  autoThreshold?: number;
  /** 双人复核 limit (FOUR_EYES_FEN): credits above it are never booked automatically. */
  fourEyesFen?: number;
  /** Credit lines per transaction. */
  batchSize?: number;
  /** Each stage's time in ms: parse, orders (read while parsing), index, decide (CPU), persist (waiting for the database). */
  onStage?: (stage: 'parse' | 'orders' | 'index' | 'decide' | 'persist', ms: number) => void;
}

/** A stopping worker ended the import between two chunks; the next attempt resumes it. */
export class ImportInterrupted extends Error {
  constructor() {
    super('statement import interrupted between chunks');
  }
}

export const statementStream = (statementId: string): string => `statement-${statementId}`;

/**
 * A re-imported statement or an overlapping one repeats rows: the bank's reference identifies a row when present
 * (scoped to the account), otherwise the parser's content hash does. The unique constraint enforces it.
 */
export function dedupeKey(line: StatementLine, accountNumber?: string): string {
  return line.bankReference ? `ref:${line.accountNumber ?? accountNumber ?? ''}:${line.bankReference}` : `hash:${line.contentHash}`;
}

interface Planned {
  transferId: string;
  line: StatementLine;
  key: string;
  decision: MatchDecision;
  /** For a line no open order takes: the recently settled order it most likely pays again. */
  possibleDuplicate?: PossibleDuplicate;
}

/** Open orders are what a transfer can pay; recently settled ones only explain a transfer that repeats a payment. */
interface OrdersForMatching {
  open: OpenOrder[];
  recentlySettled: OpenOrder[];
  /** Members and applicants without an open order: a payer that is one of them is not booked silently to another. */
  otherInstitutions: RegisteredInstitution[];
}

const statusOf = (d: MatchDecision): 'matched' | 'suggested' | 'unmatched' => (d.kind === 'auto' ? 'matched' : d.kind === 'suggest' ? 'suggested' : 'unmatched');

/** One line of a `TransfersImported` event on the statement stream (statement id and time are the event's own). */
export type StatementTransferRecord = Omit<TransferV1, 'statementId' | 'at'> & {
  lineNumber: number;
  dedupeKey: string;
  outcome: 'matched' | 'suggested' | 'unmatched';
  match?: { matchId: string; allocations: Array<{ orderId: string; amountFen: number }>; confidence: number; reasons: string[]; actor: string };
  candidates?: ScoredCandidate[];
  notes: string[];
};

export type Counts = Pick<ImportSummary, 'newCredits' | 'duplicates' | 'autoMatched' | 'suggested' | 'unmatched'>;

/** Where an import stands after its last committed chunk: enough to resume it after a restart without redoing a line. */
export interface ImportCheckpoint {
  /** Chunks committed, of `batchSize` credit lines each (the size is kept so a resumed run cuts the file the same way). */
  chunks: number;
  batchSize: number;
  /** The statement stream's version after those chunks. */
  version: number;
  /** Credit lines handled (new, duplicate or repeated in the file) by those chunks. */
  creditsDone: number;
  counts: Counts;
}

/** How a background job (imports/jobs) drives one import; without it the import runs as one call, as before. */
export interface ImportJobHooks {
  /** The import's id, used as the statement's: a re-run of an interrupted import writes the same statement. */
  statementId: string;
  /** Left by an earlier, interrupted attempt: its committed chunks are skipped, their counts carried. */
  resume?: ImportCheckpoint;
  onParsed?(lines: number, credits: number): Promise<void>;
  /** Runs inside each chunk's transaction, so the checkpoint commits with the chunk or not at all. */
  checkpoint?(client: PoolClient, checkpoint: ImportCheckpoint): Promise<void>;
  /** Checked between chunks: a stopping worker leaves the rest to the next attempt. */
  signal?: AbortSignal;
}

function addCounts(summary: ImportSummary, c: Counts): void {
  summary.newCredits += c.newCredits;
  summary.duplicates += c.duplicates;
  summary.autoMatched += c.autoMatched;
  summary.suggested += c.suggested;
  summary.unmatched += c.unmatched;
}

const TRANSFER_COLUMNS = [
  'transfer_id', 'statement_id', 'line_number', 'dedupe_key', 'bank_reference', 'content_hash', 'booked_on', 'amount_fen', 'payer_name', 'payer_account', 'remark',
  'status', 'candidates', 'notes', 'allocations', 'match_mode', 'confidence', 'reasons', 'decided_by', 'decided_at',
];

/** Lines reconciled between two looks at the network, so a chunk's transaction keeps moving meanwhile. */
const SLICE = 50;
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * parse → validate → store the original → reconcile → insert new credits (duplicates skipped by constraint) →
 * events, outbox and order payments, in chunks of one transaction each so a 100k-line file neither holds one giant
 * transaction nor pays a round trip per row. Each chunk is a fixed number of statements whatever its size: transfers,
 * statement events, outbox, the matched orders' streams, their events and read-model rows.
 */
export class StatementImporter {
  constructor(
    private readonly pool: Pool,
    store: PostgresEventStore,
    private readonly orders: PaymentOrders,
    private readonly options: ImporterOptions,
  ) {
    this.streams = new MultiStreamEventStore(store.pool, billingUpcasters);
  }

  private readonly streams: MultiStreamEventStore;

  async import(input: ImportInput, job?: ImportJobHooks): Promise<ImportSummary> {
    // The orders are read while the file is parsed: the database works while this process parses.
    const orders = this.loadOrders();
    orders.catch(() => undefined);
    const started = performance.now();
    const parsed = await parseStatement(input.content, { filename: input.filename, contentType: input.contentType, profile: input.profile });
    this.options.onStage?.('parse', performance.now() - started);
    return this.importParsed(input, parsed, orders, job);
  }

  private async loadOrders(): Promise<OrdersForMatching> {
    const started = performance.now();
    const [open, recentlySettled, otherInstitutions] = await Promise.all([
      this.orders.openOrders(this.pool),
      this.orders.recentlySettledOrders(this.pool, DUPLICATE_LOOKBACK_DAYS),
      this.orders.registeredInstitutionsWithoutOpenOrder(this.pool),
    ]);
    this.options.onStage?.('orders', performance.now() - started);
    return { open, recentlySettled, otherInstitutions };
  }

  async importParsed(input: ImportInput, parsed: StatementParseResult, ordersForMatching: Promise<OrdersForMatching> = this.loadOrders(), job?: ImportJobHooks): Promise<ImportSummary> {
    const statementId = job?.statementId ?? randomUUID();
    const at = new Date().toISOString();
    const credits = parsed.lines.filter((l) => l.direction === 'credit');
    const orders = await ordersForMatching;
    let mark = performance.now();
    const reconcilerOptions = this.options.autoThreshold === undefined ? {} : { autoThreshold: this.options.autoThreshold };
    const reconciler = createReconciler(orders.open, reconcilerOptions, orders.otherInstitutions);
    const duplicates = createDuplicateFinder(orders.recentlySettled, reconcilerOptions);
    this.options.onStage?.('index', performance.now() - mark);
    const summary: ImportSummary = {
      statementId,
      format: parsed.format,
      profile: parsed.profile,
      balanceCheck: parsed.balanceCheck,
      flagged: parsed.balanceCheck === 'mismatch',
      lines: parsed.lines.length + parsed.rejected.length,
      credits: credits.length,
      newCredits: 0,
      duplicates: 0,
      debitsIgnored: parsed.lines.length - credits.length,
      rejected: parsed.rejected,
      ...(parsed.statements ? { statements: parsed.statements } : {}),
      autoMatched: 0,
      suggested: 0,
      unmatched: 0,
    };
    await job?.onParsed?.(summary.lines, credits.length);
    const resume = job?.resume;
    if (resume) addCounts(summary, resume.counts);
    // A resumed import finds its statement row written by the first attempt.
    await this.pool.query(
      `insert into billing_statements (statement_id, filename, content_type, content, sha256, size, format, profile, encoding, account_number, opening_balance_fen, closing_balance_fen,
         balance_check, line_count, credit_count, new_credit_count, duplicate_count, debit_count, rejected, uploaded_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,0,0,$16,$17,$18)
       on conflict (statement_id) do nothing`,
      [statementId, input.filename, input.contentType ?? null, input.content, createHash('sha256').update(input.content).digest('hex'), input.content.length, parsed.format, parsed.profile,
        parsed.encoding ?? null, parsed.accountNumber ?? null, parsed.openingBalanceFen ?? null, parsed.closingBalanceFen ?? null, parsed.balanceCheck, summary.lines, credits.length,
        summary.debitsIgnored, JSON.stringify(parsed.rejected), input.actor],
    );
    const stream = statementStream(statementId);
    let version = resume?.version ?? 0;
    // Rows repeated inside one file (same reference twice) are duplicates too: keep the first.
    const seenKeys = new Set<string>();
    const batchSize = resume?.batchSize ?? this.options.batchSize ?? 2000;
    let committed: ImportCheckpoint = resume ?? { chunks: 0, batchSize, version: 0, creditsDone: 0, counts: { newCredits: 0, duplicates: 0, autoMatched: 0, suggested: 0, unmatched: 0 } };
    // Pipelined: while one chunk's transaction runs in the database, the next chunk is reconciled here (in slices,
    // yielding so that transaction's queries keep flowing). Chunks are written strictly one after another.
    let persisting: Promise<void> = Promise.resolve();
    let decideMs = 0;
    let waitMs = 0;
    for (let i = 0, chunkIndex = 0; i < credits.length; i += batchSize, chunkIndex++) {
      const planned: Planned[] = [];
      const chunk = credits.slice(i, i + batchSize);
      if (resume && chunkIndex < resume.chunks) {
        // Committed by an earlier attempt: only its keys matter here, for repeats later in the file.
        for (const line of chunk) seenKeys.add(dedupeKey(line, parsed.accountNumber));
        continue;
      }
      if (job?.signal?.aborted) {
        await persisting;
        throw new ImportInterrupted();
      }
      let repeatedInFile = 0;
      for (let j = 0; j < chunk.length; j += SLICE) {
        mark = performance.now();
        for (const line of chunk.slice(j, j + SLICE)) {
          const key = dedupeKey(line, parsed.accountNumber);
          if (seenKeys.has(key)) {
            repeatedInFile++;
            continue;
          }
          seenKeys.add(key);
          // Above the four-eyes limit an import only suggests: booking takes a finance user and a second one's approval.
          let decision = holdLargeCredit(reconciler.decide(line), line.amountFen, this.options.fourEyesFen);
          if (decision.kind === 'auto') reconciler.recordPayment(decision.orderId, line.amountFen);
          const possibleDuplicate = decision.kind === 'unmatched' ? duplicates.find(line) : undefined;
          if (possibleDuplicate) decision = { kind: 'unmatched', notes: [...decision.notes.filter((n) => n !== NO_MATCH_NOTE), possibleDuplicate.note] };
          planned.push({ transferId: randomUUID(), line, key, decision, possibleDuplicate });
        }
        decideMs += performance.now() - mark;
        await yieldToIo();
      }
      mark = performance.now();
      await persisting;
      waitMs += performance.now() - mark;
      const base = committed;
      persisting = this.persistWithRetry(statementId, stream, version, planned, input, at, repeatedInFile, base, chunk.length, job).then((result) => {
        version = result.version;
        addCounts(summary, result.counts);
        committed = result.checkpoint;
      });
      // Awaited before the next chunk or after the loop; this only keeps an early rejection from being "unhandled".
      persisting.catch(() => undefined);
    }
    mark = performance.now();
    await persisting;
    waitMs += performance.now() - mark;
    this.options.onStage?.('decide', decideMs);
    this.options.onStage?.('persist', waitMs);
    await this.pool.query(`update billing_statements set new_credit_count = $2, duplicate_count = $3, auto_matched = $4, suggested = $5, unmatched = $6 where statement_id = $1`, [
      statementId,
      summary.newCredits,
      summary.duplicates,
      summary.autoMatched,
      summary.suggested,
      summary.unmatched,
    ]);
    return summary;
  }

  /**
 * One chunk in one transaction; a concurrent command on one of the matched orders, or a concurrent import of the same
 * rows, rolls the chunk back and retries it.
 */
  private async persistWithRetry(
    statementId: string,
    stream: string,
    version: number,
    planned: Planned[],
    input: ImportInput,
    at: string,
    repeatedInFile: number,
    base: ImportCheckpoint,
    chunkLines: number,
    job?: ImportJobHooks,
  ): Promise<{ version: number; counts: Counts; checkpoint: ImportCheckpoint }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTransaction(this.pool, async (client) => {
          const result = await this.persistBatch(client, statementId, stream, version, planned, input, at);
          result.counts.duplicates += repeatedInFile;
          const c = base.counts;
          const r = result.counts;
          const checkpoint: ImportCheckpoint = {
            chunks: base.chunks + 1,
            batchSize: base.batchSize,
            version: result.version,
            creditsDone: base.creditsDone + chunkLines,
            counts: { newCredits: c.newCredits + r.newCredits, duplicates: c.duplicates + r.duplicates, autoMatched: c.autoMatched + r.autoMatched, suggested: c.suggested + r.suggested, unmatched: c.unmatched + r.unmatched },
          };
          await job?.checkpoint?.(client, checkpoint);
          return { ...result, checkpoint };
        });
      } catch (err) {
        const retriable = err instanceof OrderStreamConflict || isUniqueViolation(err, 'billing_transfers_dedupe_uq');
        if (!retriable || attempt >= 3) throw err;
      }
    }
  }

  private async persistBatch(client: PoolClient, statementId: string, stream: string, version: number, planned: Planned[], input: ImportInput, at: string): Promise<{ version: number; counts: Counts }> {
    const counts: Counts = { newCredits: 0, duplicates: 0, autoMatched: 0, suggested: 0, unmatched: 0 };
    if (planned.length === 0) return { version, counts };
    // Rows already imported (an overlapping or repeated statement) are skipped. A concurrent import of the same rows
    // that commits between this read and the COPY makes the COPY fail on the unique key: the chunk is retried.
    const existing = await client.query<{ dedupe_key: string }>('select dedupe_key from billing_transfers where dedupe_key = any($1::text[])', [planned.map((p) => p.key)]);
    const known = new Set(existing.rows.map((r) => r.dedupe_key));
    const toInsert = planned.filter((p) => !known.has(p.key));
    await copyInto(
      client,
      'billing_transfers',
      TRANSFER_COLUMNS,
      toInsert.map((p) => {
        const d = p.decision;
        const auto = d.kind === 'auto';
        return [
          p.transferId, statementId, p.line.lineNumber, p.key, p.line.bankReference ?? null, p.line.contentHash, p.line.bookedOn, p.line.amountFen, p.line.payerName, p.line.payerAccount,
          p.line.remark, statusOf(d), d.kind === 'suggest' ? d.candidates : [], d.notes, auto ? [{ orderId: d.orderId, amountFen: p.line.amountFen }] : [], auto ? 'auto' : null,
          auto ? d.confidence : null, auto ? d.reasons : [], auto ? 'system:reconciler' : null, auto ? at : null,
        ];
      }),
    );
    const fresh = new Set(toInsert.map((p) => p.transferId));
    counts.duplicates += planned.length - fresh.size;
    const outbox: OutboxMessage[] = [];
    const topic = this.options.billingTopic;
    const autoMatches: PaymentToApply[] = [];
    // The statement stream records the chunk as one audited event listing every new line and what the reconciler
    // decided for it (one row per line would be 100k+ event rows for a large file); integration events stay per transfer.
    const transfers: StatementTransferRecord[] = [];
    for (const p of planned) {
      if (!fresh.has(p.transferId)) continue;
      counts.newCredits++;
      const payload = transferPayload({ ...p.line, transferId: p.transferId, statementId, bankReference: p.line.bankReference ?? null }, at);
      outbox.push(transferImportedMessage(topic, payload, randomUUID(), input.correlationId));
      const { statementId: _statement, at: _at, ...line } = payload;
      const record = { ...line, lineNumber: p.line.lineNumber, dedupeKey: p.key };
      const d = p.decision;
      if (d.kind === 'auto') {
        counts.autoMatched++;
        const matchId = randomUUID();
        const m = { matchId, transferId: p.transferId, allocations: [{ orderId: d.orderId, amountFen: p.line.amountFen }], mode: 'auto' as const, confidence: d.confidence, reasons: d.reasons, at };
        transfers.push({ ...record, outcome: 'matched', match: { matchId, allocations: m.allocations, confidence: d.confidence, reasons: d.reasons, actor: 'system:reconciler' }, notes: d.notes });
        outbox.push(paymentMatchedMessage(topic, m, randomUUID(), input.correlationId));
        autoMatches.push({ orderId: d.orderId, transferId: p.transferId, amountFen: p.line.amountFen, matchId, bookedOn: p.line.bookedOn });
      } else if (d.kind === 'suggest') {
        counts.suggested++;
        transfers.push({ ...record, outcome: 'suggested', candidates: d.candidates, notes: d.notes });
      } else {
        counts.unmatched++;
        transfers.push({ ...record, outcome: 'unmatched', notes: d.notes });
        outbox.push(transferUnmatchedMessage(topic, unmatchedPayload(payload, d.notes, p.possibleDuplicate), randomUUID(), input.correlationId));
      }
    }
    const events: NewEvent[] =
      transfers.length === 0
        ? []
        : [{ eventId: randomUUID(), type: 'TransfersImported', schemaVersion: 1, data: { statementId, transfers, at }, metadata: { correlationId: input.correlationId, actor: input.actor, occurredAt: at } }];
    // The chunk's event (megabytes of JSON) and tens of thousands of messages: the COPY path, not array parameters.
    const next = await this.streams.append([{ streamId: stream, streamType: 'statement', expected: version === 0 ? 'no_stream' : version, events }], { client, outbox });
    // All of the chunk's auto-matches in a few statements (stream reads, events, outbox, read model), in line order.
    await this.orders.applyPayments(autoMatches, { now: at, actor: 'system:reconciler', correlationId: input.correlationId }, client);
    return { version: events.length === 0 ? version : next.get(stream)!, counts };
  }
}
