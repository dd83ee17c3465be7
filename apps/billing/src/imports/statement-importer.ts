import { createHash, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { withTransaction, type NewEvent, type OutboxMessage, type PostgresEventStore } from '@lsc/event-sourcing';
import type { PaymentOrders } from '../orders/payment-orders';
import { createReconciler, type MatchDecision } from '../reconciliation';
import { parseStatement, type StatementLine, type StatementParseResult } from '../statements';
import { paymentMatchedMessage, transferImportedMessage, transferPayload, transferUnmatchedMessage } from './transfer-messages';

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
  autoMatched: number;
  suggested: number;
  unmatched: number;
}

export interface ImporterOptions {
  billingTopic: string;
  /** 0–1; the reconciler's default when omitted. */
  autoThreshold?: number;
  batchSize?: number;
}

export const statementStream = (statementId: string): string => `statement-${statementId}`;

/**
 * A re-imported statement or an overlapping one repeats rows: the bank's reference identifies a row when present
 * (scoped to the account), otherwise the parser's content hash does. The unique constraint enforces it.
 */
export function dedupeKey(line: StatementLine, accountNumber?: string): string {
  return line.bankReference ? `ref:${accountNumber ?? ''}:${line.bankReference}` : `hash:${line.contentHash}`;
}

interface Planned {
  transferId: string;
  line: StatementLine;
  key: string;
  decision: MatchDecision;
}

const statusOf = (d: MatchDecision): 'matched' | 'suggested' | 'unmatched' => (d.kind === 'auto' ? 'matched' : d.kind === 'suggest' ? 'suggested' : 'unmatched');

/**
 * parse → validate → store the original → insert new credits (duplicates skipped by constraint) → reconcile →
 * events, outbox and order payments, in batches of one transaction each so a 100k-line file neither holds one
 * giant transaction nor pays a round trip per row.
 */
export class StatementImporter {
  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly orders: PaymentOrders,
    private readonly options: ImporterOptions,
  ) {}

  async import(input: ImportInput): Promise<ImportSummary> {
    const parsed = await parseStatement(input.content, { filename: input.filename, contentType: input.contentType, profile: input.profile });
    return this.importParsed(input, parsed);
  }

  async importParsed(input: ImportInput, parsed: StatementParseResult): Promise<ImportSummary> {
    const statementId = randomUUID();
    const at = new Date().toISOString();
    const credits = parsed.lines.filter((l) => l.direction === 'credit');
    const reconciler = createReconciler(await this.orders.openOrders(this.pool), this.options.autoThreshold === undefined ? {} : { autoThreshold: this.options.autoThreshold });
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
      autoMatched: 0,
      suggested: 0,
      unmatched: 0,
    };
    await this.pool.query(
      `insert into billing_statements (statement_id, filename, content_type, content, sha256, size, format, profile, encoding, account_number, opening_balance_fen, closing_balance_fen,
         balance_check, line_count, credit_count, new_credit_count, duplicate_count, debit_count, rejected, uploaded_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,0,0,$16,$17,$18)`,
      [statementId, input.filename, input.contentType ?? null, input.content, createHash('sha256').update(input.content).digest('hex'), input.content.length, parsed.format, parsed.profile,
        parsed.encoding ?? null, parsed.accountNumber ?? null, parsed.openingBalanceFen ?? null, parsed.closingBalanceFen ?? null, parsed.balanceCheck, summary.lines, credits.length,
        summary.debitsIgnored, JSON.stringify(parsed.rejected), input.actor],
    );
    const stream = statementStream(statementId);
    let version = 0;
    // Rows repeated inside one file (same reference twice) are duplicates too: keep the first.
    const seenKeys = new Set<string>();
    const batchSize = this.options.batchSize ?? 1000;
    for (let i = 0; i < credits.length; i += batchSize) {
      const planned: Planned[] = [];
      for (const line of credits.slice(i, i + batchSize)) {
        const key = dedupeKey(line, parsed.accountNumber);
        if (seenKeys.has(key)) {
          summary.duplicates++;
          continue;
        }
        seenKeys.add(key);
        planned.push({ transferId: randomUUID(), line, key, decision: reconciler.decide(line) });
      }
      version = await withTransaction(this.pool, (client) => this.persistBatch(client, statementId, stream, version, planned, summary, input, at));
    }
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

  private async persistBatch(client: PoolClient, statementId: string, stream: string, version: number, planned: Planned[], summary: ImportSummary, input: ImportInput, at: string): Promise<number> {
    if (planned.length === 0) return version;
    const cols = {
      id: [] as string[], line: [] as number[], key: [] as string[], ref: [] as (string | null)[], hash: [] as string[], booked: [] as string[], amount: [] as number[],
      name: [] as string[], account: [] as string[], remark: [] as string[], status: [] as string[], candidates: [] as string[], notes: [] as string[],
      allocations: [] as string[], mode: [] as (string | null)[], confidence: [] as (number | null)[], reasons: [] as string[],
    };
    for (const p of planned) {
      const d = p.decision;
      cols.id.push(p.transferId);
      cols.line.push(p.line.lineNumber);
      cols.key.push(p.key);
      cols.ref.push(p.line.bankReference ?? null);
      cols.hash.push(p.line.contentHash);
      cols.booked.push(p.line.bookedOn);
      cols.amount.push(p.line.amountFen);
      cols.name.push(p.line.payerName);
      cols.account.push(p.line.payerAccount);
      cols.remark.push(p.line.remark);
      cols.status.push(statusOf(d));
      cols.candidates.push(JSON.stringify(d.kind === 'suggest' ? d.candidates : []));
      cols.notes.push(JSON.stringify(d.notes));
      cols.allocations.push(JSON.stringify(d.kind === 'auto' ? [{ orderId: d.orderId, amountFen: p.line.amountFen }] : []));
      cols.mode.push(d.kind === 'auto' ? 'auto' : null);
      cols.confidence.push(d.kind === 'auto' ? d.confidence : null);
      cols.reasons.push(JSON.stringify(d.kind === 'auto' ? d.reasons : []));
    }
    const inserted = await client.query<{ transfer_id: string }>(
      `insert into billing_transfers (transfer_id, statement_id, line_number, dedupe_key, bank_reference, content_hash, booked_on, amount_fen, payer_name, payer_account, remark,
                                      status, candidates, notes, allocations, match_mode, confidence, reasons, decided_by, decided_at)
       select t.id, $1, t.line, t.key, t.ref, t.hash, t.booked, t.amount, t.name, t.account, t.remark, t.status, t.candidates::jsonb, t.notes::jsonb, t.allocations::jsonb, t.mode, t.confidence,
              t.reasons::jsonb, case when t.mode is null then null else 'system:reconciler' end, case when t.mode is null then null else now() end
         from unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::date[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                     $15::text[], $16::text[], $17::numeric[], $18::text[])
              as t(id, line, key, ref, hash, booked, amount, name, account, remark, status, candidates, notes, allocations, mode, confidence, reasons)
       on conflict (dedupe_key) do nothing
       returning transfer_id`,
      [statementId, cols.id, cols.line, cols.key, cols.ref, cols.hash, cols.booked, cols.amount, cols.name, cols.account, cols.remark, cols.status, cols.candidates, cols.notes,
        cols.allocations, cols.mode, cols.confidence, cols.reasons],
    );
    const fresh = new Set(inserted.rows.map((r) => r.transfer_id));
    summary.duplicates += planned.length - fresh.size;
    const events: NewEvent[] = [];
    const outbox: OutboxMessage[] = [];
    const meta = { correlationId: input.correlationId, actor: input.actor, occurredAt: at };
    const topic = this.options.billingTopic;
    const autoMatches: Array<{ orderId: string; transferId: string; amountFen: number; matchId: string; bookedOn: string }> = [];
    for (const p of planned) {
      if (!fresh.has(p.transferId)) continue;
      summary.newCredits++;
      const payload = transferPayload({ ...p.line, transferId: p.transferId, statementId, bankReference: p.line.bankReference ?? null }, at);
      const importedId = randomUUID();
      events.push({ eventId: importedId, type: 'TransferImported', schemaVersion: 1, data: { ...payload, lineNumber: p.line.lineNumber, dedupeKey: p.key }, metadata: meta });
      outbox.push(transferImportedMessage(topic, payload, randomUUID(), input.correlationId));
      const d = p.decision;
      if (d.kind === 'auto') {
        summary.autoMatched++;
        const matchId = randomUUID();
        const m = { matchId, transferId: p.transferId, allocations: [{ orderId: d.orderId, amountFen: p.line.amountFen }], mode: 'auto' as const, confidence: d.confidence, reasons: d.reasons, at };
        events.push({ eventId: randomUUID(), type: 'TransferMatched', schemaVersion: 1, data: { ...m, actor: 'system:reconciler', notes: d.notes }, metadata: meta });
        outbox.push(paymentMatchedMessage(topic, m, randomUUID(), input.correlationId));
        autoMatches.push({ orderId: d.orderId, transferId: p.transferId, amountFen: p.line.amountFen, matchId, bookedOn: p.line.bookedOn });
      } else if (d.kind === 'suggest') {
        summary.suggested++;
        events.push({ eventId: randomUUID(), type: 'MatchSuggested', schemaVersion: 1, data: { transferId: p.transferId, candidates: d.candidates, notes: d.notes }, metadata: meta });
      } else {
        summary.unmatched++;
        events.push({ eventId: randomUUID(), type: 'TransferLeftUnmatched', schemaVersion: 1, data: { transferId: p.transferId, notes: d.notes }, metadata: meta });
        outbox.push(transferUnmatchedMessage(topic, payload, randomUUID(), input.correlationId));
      }
    }
    const appended = await this.store.append(stream, 'statement', version === 0 ? 'no_stream' : version, events, { outbox, client });
    const orderMeta = { now: at, actor: 'system:reconciler', correlationId: input.correlationId };
    for (const a of autoMatches) await this.orders.applyPayment(a, orderMeta, client);
    return events.length === 0 ? version : appended.nextExpectedVersion;
  }
}
