import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { TransferSetAside, TransferSetAsideUndone, type TransferSetAsideUndoneV1, type TransferSetAsideV1 } from '@lsc/contracts';
import { DomainError, PostgresEventStore, withTransaction, type NewEvent, type OutboxMessage } from '@lsc/event-sourcing';
import { PG_POOL } from '@lsc/messaging';
import { CONFIG, currentCorrelationId } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { decideSetAside, type SetAsideCommand, type TransferSnapshot } from '../domain';
import { metadataFor } from '../shared';
import { transferStream } from './transfer-actions';

interface Row {
  statement_id: string;
  amount_fen: string;
  status: TransferSnapshot['status'];
  candidates: TransferSnapshot['candidates'];
  booked_on: string;
  payer_name: string;
}

/**
 * 非会费款项 and its undo. The event goes on the transfer's own stream (the audit: actor, reason, time) and out
 * through the outbox in the same transaction as the read-model row, which the review queue and reports filter on.
 */
@Injectable()
export class TransferSetAsideActions {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    @Inject(CONFIG) private readonly config: BillingConfig,
  ) {}

  setAside(transferId: string, reason: string, actor: string) {
    return this.run(transferId, actor, (metadata) => ({ type: 'SetAsideAsNonDues', data: { reason }, metadata }));
  }

  undo(transferId: string, reason: string, actor: string) {
    return this.run(transferId, actor, (metadata) => ({ type: 'UndoSetAside', data: { reason }, metadata }));
  }

  private async run(transferId: string, actor: string, build: (m: ReturnType<typeof metadataFor>) => SetAsideCommand): Promise<{ transferId: string; status: string }> {
    const metadata = metadataFor(actor, currentCorrelationId());
    return withTransaction(this.pool, async (client) => {
      const r = await client.query<Row>(
        `select statement_id, amount_fen, status, candidates, to_char(booked_on, 'YYYY-MM-DD') as booked_on, payer_name from billing_transfers where transfer_id = $1 for update`,
        [transferId],
      );
      const row = r.rows[0];
      if (!row) throw new DomainError('TRANSFER_NOT_FOUND', '银行到账记录不存在');
      const command = build(metadata);
      const events = decideSetAside(command, { transferId, amountFen: Number(row.amount_fen), status: row.status, candidates: row.candidates });
      const stored: NewEvent[] = events.map((e) => ({ eventId: randomUUID(), type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: { correlationId: metadata.correlationId, actor, occurredAt: metadata.now, commandType: command.type } }));
      const outbox: OutboxMessage[] = events.map((e) => {
        const data =
          e.type === 'TransferSetAside'
            ? ({ transferId, statementId: row.statement_id, bookedOn: row.booked_on, amountFen: Number(row.amount_fen), payerName: row.payer_name.slice(0, 200), reason: e.data.reason, setAsideBy: actor.slice(0, 100), at: e.data.at } satisfies TransferSetAsideV1)
            : ({ transferId, reason: e.data.reason, undoneBy: actor.slice(0, 100), at: e.data.at } satisfies TransferSetAsideUndoneV1);
        const contract = e.type === 'TransferSetAside' ? TransferSetAside : TransferSetAsideUndone;
        return {
          topic: this.config.BILLING_TOPIC,
          key: transferId,
          event: { eventId: randomUUID(), streamId: transferId, occurredAt: e.data.at, correlationId: metadata.correlationId, type: contract.type, schemaVersion: contract.schemaVersion, data },
        };
      });
      await this.store.append(transferStream(transferId), 'transfer', 'any', stored, { outbox, client });
      for (const e of events) {
        if (e.type === 'TransferSetAside') {
          await client.query(
            `update billing_transfers set status = 'set_aside', set_aside_reason = $2, set_aside_by = $3, set_aside_at = $4, notes = notes || $5::jsonb where transfer_id = $1`,
            [transferId, e.data.reason, actor, e.data.at, JSON.stringify([`非会费款项：${e.data.reason}`])],
          );
        } else {
          // Back as unmatched: the old suggestions may be stale by now, so finance matches it by hand if it is dues.
          await client.query(
            `update billing_transfers set status = 'unmatched', set_aside_reason = null, set_aside_by = null, set_aside_at = null, notes = notes || $2::jsonb where transfer_id = $1`,
            [transferId, JSON.stringify([`已撤销非会费款项标记：${e.data.reason}`])],
          );
        }
      }
      const after = await client.query<{ status: string }>('select status from billing_transfers where transfer_id = $1', [transferId]);
      return { transferId, status: after.rows[0]!.status };
    });
  }
}
