import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { CommandHandler, DomainError, PostgresEventStore, withTransaction, type Queryable } from '@lsc/event-sourcing';
import { backgroundWorkersEnabled } from '@lsc/messaging';
import { FeeChanged, FeeScheduleVersionPublishedV2Contract, type FeeChangedV1, type FeeScheduleVersionPublishedV2 } from '@lsc/contracts';
import { CONFIG, LOGGER } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { DEFAULT_TERM_POLICY, defaultFeeSchedule, feeScheduleDecider, quote, type FeeScheduleCommand, type FeeScheduleEvent, type FeeScheduleState, type FeeScheduleVersionPublished as FeeScheduleVersionPublishedEvent, type PublishScheduleVersionData, type Quote } from '../domain';
import { metadataFor } from '../shared';

export const FEE_SCHEDULE_STREAM = 'fee-schedule';

const publishedPayload = (d: FeeScheduleVersionPublishedEvent['data']): FeeScheduleVersionPublishedV2 => ({
  versionId: d.versionId,
  effectiveFrom: d.effectiveFrom,
  entries: d.entries.map((e) => ({
    qualificationCode: e.qualificationCode,
    qualificationName: e.qualificationName,
    tierCode: e.tierCode,
    tierName: e.tierName,
    feePerYearFen: e.feePerYearFen,
    placeholder: e.placeholder === true,
  })),
  termPolicy: { lateJoinCutoff: (d.termPolicy ?? DEFAULT_TERM_POLICY).lateJoinCutoff },
  publishedBy: d.publishedBy.slice(0, 100),
  publishedAt: d.publishedAt,
});

/**
 * Every change to the schedule goes out: a new version, and a correction of a version not yet in effect (whose
 * announcement is stale for that entry otherwise). `state` is the schedule after the events.
 */
export function feeScheduleIntegrationEvents(state: FeeScheduleState, events: readonly FeeScheduleEvent[], topic: string): Array<{ topic: string; event: { type: string; schemaVersion: number; data: object } }> {
  return events.map((e) => {
    if (e.type === 'FeeScheduleVersionPublished') {
      return { topic, event: { type: FeeScheduleVersionPublishedV2Contract.type, schemaVersion: FeeScheduleVersionPublishedV2Contract.schemaVersion, data: publishedPayload(e.data) } };
    }
    const d = e.data;
    const version = state.versions.find((v) => v.versionId === d.versionId);
    const entry = version?.entries.find((x) => x.qualificationCode === d.qualificationCode && x.tierCode === d.tierCode);
    if (!version || !entry) throw new Error(`fee change of an entry missing from the schedule: ${d.versionId} ${d.qualificationCode}/${d.tierCode}`);
    const data: FeeChangedV1 = {
      versionId: d.versionId,
      effectiveFrom: version.effectiveFrom,
      entry: { qualificationCode: entry.qualificationCode, qualificationName: entry.qualificationName, tierCode: entry.tierCode, tierName: entry.tierName, feePerYearFen: d.toFen },
      previousFeePerYearFen: d.fromFen,
      reason: d.reason,
      changedBy: d.changedBy.slice(0, 100),
      changedAt: d.changedAt,
    };
    return { topic, event: { type: FeeChanged.type, schemaVersion: FeeChanged.schemaVersion, data } };
  });
}

/** The version went out as v2 (in the transaction of its outbox message). */
const markAnnounced = async (client: Queryable, versionId: string): Promise<void> => {
  await client.query('insert into billing_fee_schedule_announced (version_id) values ($1) on conflict do nothing', [versionId]);
};

/** The one fee-schedule stream: versions published by finance, the default one on first start. */
@Injectable()
export class FeeSchedules implements OnApplicationBootstrap {
  readonly handler: CommandHandler<FeeScheduleCommand, FeeScheduleState, FeeScheduleEvent>;

  constructor(
    private readonly store: PostgresEventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: Pick<BillingConfig, 'BILLING_TOPIC'>,
  ) {
    // Finance and membership (quotes shown on the application page) learn of a new version, and of a correction.
    this.handler = new CommandHandler({
      decider: feeScheduleDecider,
      store,
      toIntegrationEvents: ({ state, events }) => feeScheduleIntegrationEvents(state, events, config.BILLING_TOPIC),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (backgroundWorkersEnabled()) {
      await this.ensureDefault();
      await this.announceUnannouncedVersions();
    }
  }

  /**
   * Versions published before billing announced v2 (placeholders, term policy) reached consumers as v1 or not at all
   * (membership's fee read model is newer than them): each is announced once more as v2, from the current state (with
   * corrections applied). Idempotent across restarts and replicas (the marker row is written with the outbox message).
   */
  async announceUnannouncedVersions(): Promise<number> {
    return withTransaction(this.store.pool, async (client) => {
      await client.query('lock table billing_fee_schedule_announced in exclusive mode');
      const done = new Set((await client.query<{ version_id: string }>('select version_id from billing_fee_schedule_announced')).rows.map((r) => r.version_id));
      const { state } = await this.handler.load(FEE_SCHEDULE_STREAM, client);
      const missing = state.versions.filter((v) => !done.has(v.versionId));
      if (missing.length === 0) return 0;
      const now = new Date().toISOString();
      await this.store.append(FEE_SCHEDULE_STREAM, 'fee-schedule', 'any', [], {
        client,
        outbox: missing.map((v) => ({
          topic: this.config.BILLING_TOPIC,
          key: FEE_SCHEDULE_STREAM,
          event: {
            eventId: randomUUID(),
            type: FeeScheduleVersionPublishedV2Contract.type,
            schemaVersion: FeeScheduleVersionPublishedV2Contract.schemaVersion,
            streamId: FEE_SCHEDULE_STREAM,
            occurredAt: now,
            correlationId: randomUUID(),
            data: publishedPayload({ ...v, publishedBy: 'system:fee-schedule-v2', publishedAt: now }),
          },
        })),
      });
      for (const v of missing) await markAnnounced(client, v.versionId);
      this.logger.info({ versions: missing.map((v) => v.versionId) }, 'announced fee-schedule versions as v2');
      return missing.length;
    });
  }

  /** Publishes the shipped default schedule if the stream is empty; concurrent replicas race harmlessly. */
  async ensureDefault(): Promise<void> {
    const { version } = await this.handler.load(FEE_SCHEDULE_STREAM);
    if (version > 0) return;
    try {
      const data = defaultFeeSchedule();
      await this.handler.handle(FEE_SCHEDULE_STREAM, { type: 'PublishScheduleVersion', data, metadata: metadataFor('system:default-fee-schedule') }, { afterAppend: (c) => markAnnounced(c, data.versionId) });
      this.logger.info('published the default fee schedule');
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VERSION_EXISTS') return;
      throw err;
    }
  }

  async state(client?: Parameters<CommandHandler<FeeScheduleCommand, FeeScheduleState, FeeScheduleEvent>['load']>[1]): Promise<FeeScheduleState> {
    return (await this.handler.load(FEE_SCHEDULE_STREAM, client)).state;
  }

  async quote(qualificationCode: string, tierCode: string, years: number, on: string): Promise<Quote> {
    return quote(await this.state(), qualificationCode, tierCode, years, on);
  }

  async publish(data: PublishScheduleVersionData, actor: string): Promise<FeeScheduleState> {
    return (await this.handler.handle(FEE_SCHEDULE_STREAM, { type: 'PublishScheduleVersion', data, metadata: metadataFor(actor) }, { afterAppend: (c) => markAnnounced(c, data.versionId) })).state;
  }

  async changeFee(data: { versionId: string; qualificationCode: string; tierCode: string; feePerYearFen: number; reason: string }, actor: string): Promise<FeeScheduleState> {
    return (await this.handler.handle(FEE_SCHEDULE_STREAM, { type: 'ChangeFee', data, metadata: metadataFor(actor) })).state;
  }
}
