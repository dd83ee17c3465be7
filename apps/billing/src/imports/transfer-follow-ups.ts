import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { TransferFollowUpRequested, type TransferFollowUpRequestedV1 } from '@lsc/contracts';
import { DomainError, PostgresEventStore, withTransaction } from '@lsc/event-sourcing';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CONFIG, currentCorrelationId } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { decideFollowUp } from '../domain';
import { fen, metadataFor } from '../shared';
import { transferStream } from './transfer-actions';

/**
 * Finance's follow-up mail about an unmatched credit. The request names only the credit and the institution; the
 * credit's details come from billing_transfers and the institution's name from billing_institutions. The event goes on
 * the credit's stream (who asked whom, when) and through the outbox to notification, which sends the mail. Asking the
 * same institution about the same credit again returns the first follow-up.
 */
@Injectable()
export class TransferFollowUps {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    @Inject(CONFIG) private readonly config: BillingConfig,
  ) {}

  async request(transferId: string, institutionId: string, actor: string): Promise<{ created: boolean; followUp: TransferFollowUpRequestedV1 }> {
    const metadata = metadataFor(actor, currentCorrelationId());
    return withTransaction(this.pool, async (client) => {
      const t = await client.query(
        `select transfer_id, status, bank_reference, to_char(booked_on, 'YYYY-MM-DD') as booked_on, amount_fen, payer_name, payer_account, remark from billing_transfers where transfer_id = $1 for update`,
        [transferId],
      );
      const row = t.rows[0];
      if (!row) throw new DomainError('TRANSFER_NOT_FOUND', '银行到账记录不存在');
      const i = await client.query<{ name: string }>('select name from billing_institutions where institution_id = $1', [institutionId]);
      if (!i.rows[0]) throw new ApiError(404, 'INSTITUTION_NOT_FOUND', '单位不存在或尚未在缴费系统中登记', [{ field: 'institutionId', rule: 'exists', message: '单位不存在或尚未在缴费系统中登记' }]);
      const earlier = await client.query<{ data: TransferFollowUpRequestedV1 }>(
        `select data from es_events where stream_id = $1 and event_type = $2 and data->>'institutionId' = $3 order by stream_version limit 1`,
        [transferStream(transferId), 'TransferFollowUpRequested', institutionId],
      );
      if (earlier.rows[0]) return { created: false, followUp: earlier.rows[0].data };
      const followUp = decideFollowUp(
        { transferId, status: row.status, bankReference: row.bank_reference, bookedOn: row.booked_on, amountFen: fen(row.amount_fen), payerName: row.payer_name, payerAccount: row.payer_account, remark: row.remark },
        { institutionId, name: i.rows[0].name },
        { followUpId: randomUUID(), actor, now: metadata.now },
      );
      await this.store.append(
        transferStream(transferId),
        'transfer',
        'any',
        [{ eventId: randomUUID(), type: 'TransferFollowUpRequested', schemaVersion: 1, data: followUp, metadata: { correlationId: metadata.correlationId, actor, occurredAt: metadata.now, commandType: 'RequestFollowUp' } }],
        {
          client,
          outbox: [
            {
              topic: this.config.BILLING_TOPIC,
              key: transferId,
              event: { eventId: randomUUID(), streamId: transferId, occurredAt: metadata.now, correlationId: metadata.correlationId, type: TransferFollowUpRequested.type, schemaVersion: TransferFollowUpRequested.schemaVersion, data: followUp },
            },
          ],
        },
      );
      return { created: true, followUp };
    });
  }
}
