import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient, Pool } from 'pg';
import { CommandHandler, DomainError, isUniqueViolation, PostgresEventStore, withTransaction, type CommandMetadata, type Decided } from '@lsc/event-sourcing';
import { PG_POOL, PermanentError } from '@lsc/messaging';
import { ApiError, CONFIG, currentCorrelationId } from '@lsc/service-kit';
import { membershipPolicy, type MembershipConfig } from '../config';
import {
  currentTermForRenewal,
  makeApplicationDecider,
  makeMembershipDecider,
  quoteDiffers,
  quoteFromSchedule,
  shanghaiDate,
  toApplicationIntegrationEvents,
  toMembershipIntegrationEvents,
  type ApplicationCommand,
  type ApplicationEvent,
  type ApplicationState,
  type ApplyData,
  type ConfirmData,
  type IntegrationMessage,
  type MailingAddress,
  type PendingRenewal,
  type MembershipCommand,
  type MembershipEvent,
  type MembershipState,
  type OverridableStatus,
  type RecordPaymentOrderData,
  type RecordPaymentReversalData,
  type ScheduleQuote,
} from '../domain';
import { loadScheduleVersions } from './fee-schedule-read-model';
import { MEMBERSHIP_TOPICS, outboxTopic, type MembershipTopics } from '../topics';
import * as db from './lookups';

export const applicationStream = (applicationId: string): string => `application-${applicationId}`;
export const membershipStream = (membershipId: string): string => `membership-${membershipId}`;

/** Who and when, for a command: the HTTP caller or the upstream event that caused it. */
export function metadata(actor: string, options: { correlationId?: string; now?: string; ids?: string[] } = {}): CommandMetadata {
  return { now: options.now ?? new Date().toISOString(), actor, correlationId: options.correlationId ?? currentCorrelationId(), ids: options.ids };
}

/** What the institution chooses: codes and years; the fee it saw, if sent, is only compared with the schedule's. */
export interface ApplyInput {
  readonly kind: ApplyData['kind'];
  readonly qualificationCode: string;
  readonly staffTierCode: string;
  readonly years: number;
  readonly organisationType: ApplyData['organisationType'];
  readonly seenQuote?: { readonly feePerYearFen: number; readonly amountDueFen: number };
}

/** 409 QUOTE_CHANGED: the fee the institution saw is not the schedule's; `current` is what it would pay now. */
export class QuoteChanged extends Error {
  constructor(readonly current: ScheduleQuote) {
    super('quote changed');
    this.name = 'QuoteChanged';
  }
}

/**
 * The write side: the deciders behind command handlers (event store + outbox), plus the lookups that must change in
 * the same transaction as the append. Inputs are already validated by the HTTP layer or the event contracts.
 */
@Injectable()
export class MembershipCommands {
  readonly applications: CommandHandler<ApplicationCommand, ApplicationState, ApplicationEvent>;
  readonly memberships: CommandHandler<MembershipCommand, MembershipState, MembershipEvent>;

  private readonly requireConfirmedFees: boolean;

  constructor(
    store: PostgresEventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) config: MembershipConfig,
    @Inject(MEMBERSHIP_TOPICS) topics: MembershipTopics,
  ) {
    const policy = membershipPolicy(config);
    this.requireConfirmedFees = config.FEE_SCHEDULE_REQUIRE_CONFIRMED;
    const outbox = (messages: IntegrationMessage[]) =>
      messages.map(({ contract, data }) => ({ topic: outboxTopic(topics, contract.topic), event: { type: contract.type, schemaVersion: contract.schemaVersion, data } }));
    this.applications = new CommandHandler({
      decider: makeApplicationDecider(policy),
      store,
      toIntegrationEvents: ({ state, events }) => outbox(events.flatMap((e) => toApplicationIntegrationEvents(state, e))),
    });
    this.memberships = new CommandHandler({
      decider: makeMembershipDecider(policy),
      store,
      toIntegrationEvents: ({ state, events }) => outbox(events.flatMap((e) => toMembershipIntegrationEvents(state, e))),
    });
  }

  async loadApplication(applicationId: string): Promise<ApplicationState> {
    return (await this.applications.load(applicationStream(applicationId))).state;
  }

  async loadMembership(membershipId: string): Promise<MembershipState> {
    return (await this.memberships.load(membershipStream(membershipId))).state;
  }

  /** The schedule's quote for codes × years on `now`'s Shanghai date (membership's read model of the schedule). */
  async quote(request: { qualificationCode: string; staffTierCode: string; years: number }, now = new Date().toISOString()): Promise<ScheduleQuote> {
    return quoteFromSchedule(await loadScheduleVersions(this.pool), request, shanghaiDate(now), { requireConfirmed: this.requireConfirmedFees });
  }

  /** 会员申请 (new or renewal). Renewals carry the current term so the shown 资格日期 continues it. */
  async apply(institutionId: string, input: ApplyInput, actor: string): Promise<ApplicationState> {
    const now = new Date().toISOString();
    const current = await this.quote(input, now);
    if (input.seenQuote && quoteDiffers(input.seenQuote, current.quote)) throw new QuoteChanged(current);
    const institution = await db.findInstitution(this.pool, institutionId);
    if (!institution) throw new ApiError(409, 'INSTITUTION_NOT_SYNCED', '尚未获取到本单位的注册信息，请稍后再试');
    const membershipId = await db.membershipIdOf(this.pool, institutionId);
    const membership = membershipId ? await this.loadMembership(membershipId) : undefined;
    let renewal: Pick<ApplyData, 'membershipId' | 'currentTerm'> = {};
    if (input.kind === 'renewal') {
      if (!membershipId || !membership) throw new ApiError(409, 'RENEWAL_WITHOUT_MEMBERSHIP', '本单位尚无会员资格，请先申请入会');
      renewal = { membershipId, currentTerm: currentTermForRenewal(membership) };
    } else if (membership?.memberNumber) {
      throw new ApiError(409, 'ALREADY_MEMBER', '本单位已是会员，请使用会员续费');
    }
    const applicationId = randomUUID();
    const streamId = applicationStream(applicationId);
    try {
      const decided = await this.applications.handle(
        streamId,
        {
          type: 'Apply',
          data: {
            kind: input.kind,
            qualification: current.qualification,
            staffTier: current.staffTier,
            years: input.years,
            organisationType: input.organisationType,
            quote: current.quote,
            ...renewal,
            institutionId,
            institutionName: institution.name,
          },
          metadata: metadata(actor, { ids: [applicationId], now }),
        },
        {
          afterAppend: async (client) => {
            await db.openApplication(client, institutionId, applicationId);
            await db.recordInstitutionStream(client, streamId, institutionId);
          },
        },
      );
      return decided.state;
    } catch (err) {
      if (isUniqueViolation(err, 'ms_open_applications_pkey')) {
        throw new ApiError(409, 'APPLICATION_PENDING', '本单位已有尚未缴费的申请，请先完成缴费或取消该申请');
      }
      throw err;
    }
  }

  /**
   * 确认申请信息. The fee is checked against the schedule in force today first (billing prices the order on the
   * confirmation date): a new version with another fee requotes the draft and answers 409 QUOTE_CHANGED, so the
   * institution confirms the amount it will actually be charged.
   */
  async confirm(applicationId: string, data: ConfirmData, actor: string): Promise<ApplicationState> {
    const now = new Date().toISOString();
    const state = await this.loadApplication(applicationId);
    const app = state.application;
    if (state.status === 'draft' && app) {
      let current: ScheduleQuote | undefined;
      try {
        current = await this.quote({ qualificationCode: app.qualification.code, staffTierCode: app.staffTier.code, years: app.years }, now);
      } catch (err) {
        // A fee that became a placeholder or vanished is refused like at application time; no schedule copy yet keeps the quote.
        if (!(err instanceof DomainError) || err.code === 'NO_SCHEDULE_IN_EFFECT') current = undefined;
        else throw err;
      }
      if (current) {
        await this.applications.handle(applicationStream(applicationId), { type: 'Requote', data: { quote: current.quote }, metadata: metadata(actor, { now }) });
        if (quoteDiffers(app.quote, current.quote)) throw new QuoteChanged(current);
      }
    }
    const decided = await this.applications.handle(applicationStream(applicationId), { type: 'Confirm', data, metadata: metadata(actor, { now }) });
    return decided.state;
  }

  async cancelApplication(applicationId: string, reason: string, actor: string): Promise<ApplicationState> {
    const decided = await this.applications.handle(
      applicationStream(applicationId),
      { type: 'Cancel', data: { reason }, metadata: metadata(actor) },
      { afterAppend: (client) => db.closeApplication(client, applicationId) },
    );
    return decided.state;
  }

  /** billing.PaymentOrderIssued: the application now shows how to pay. Runs in the consumer's inbox transaction. */
  async recordPaymentOrder(applicationId: string, institutionId: string, order: RecordPaymentOrderData, meta: CommandMetadata, client: PoolClient): Promise<void> {
    const { state } = await this.applications.load(applicationStream(applicationId), client);
    assertSameInstitution(state, institutionId);
    await this.applications.handle(applicationStream(applicationId), { type: 'RecordPaymentOrder', data: order, metadata: meta }, { client });
  }

  /**
   * billing.PaymentOrderPaid: the application is paid and the membership activated (first term or renewal), in the
   * consumer's inbox transaction, so a redelivered payment changes nothing and a failure leaves no half-activation.
   */
  async markPaid(applicationId: string, institutionId: string, orderId: string, paidOn: string, meta: CommandMetadata, client: PoolClient): Promise<Decided<MembershipState, MembershipEvent> | undefined> {
    const { state: before } = await this.applications.load(applicationStream(applicationId), client);
    assertSameInstitution(before, institutionId);
    const paid = await this.applications.handle(
      applicationStream(applicationId),
      { type: 'MarkPaid', data: { orderId, paidOn }, metadata: meta },
      { client, afterAppend: (c) => db.closeApplication(c, applicationId) },
    );
    // Money for a cancelled application is recorded on its stream for staff (refund or reinstate); nothing activates.
    if (paid.state.status !== 'paid') return undefined;
    const app = paid.state.application!;
    const submission = paid.state.submission!;
    const membershipId = app.membershipId ?? (await db.membershipIdOf(client, app.institutionId)) ?? meta.ids?.[0] ?? randomUUID();
    const streamId = membershipStream(membershipId);
    const { state } = await this.memberships.load(streamId, client);
    // Only a first activation takes a number; renewals keep theirs.
    const memberSequence = state.memberNumber ? 0 : await db.nextMemberSequence(client);
    return this.memberships.handle(
      streamId,
      {
        type: 'Activate',
        data: {
          institutionId: app.institutionId,
          applicationId,
          orderId,
          kind: app.kind,
          qualification: app.qualification,
          paidOn,
          years: app.years,
          memberSequence,
          mailingAddress: submission.mailingAddress,
          ...(submission.startsNextYear && submission.termStart ? { paidTermStart: submission.termStart } : {}),
        },
        metadata: { ...meta, ids: [membershipId] },
      },
      {
        client,
        afterAppend: async (c) => {
          await db.linkMembership(c, app.institutionId, membershipId);
          await db.recordInstitutionStream(c, streamId, app.institutionId);
        },
      },
    );
  }

  /**
   * billing.PaymentReversed, in the consumer's inbox transaction: recorded on the membership the order activated,
   * which is suspended when the order is no longer paid. An order that activated nothing changes nothing here.
   */
  async recordPaymentReversal(applicationId: string, institutionId: string, reversal: RecordPaymentReversalData, meta: CommandMetadata, client: PoolClient): Promise<MembershipEvent[]> {
    const { state: application } = await this.applications.load(applicationStream(applicationId), client);
    assertSameInstitution(application, institutionId);
    const membershipId = await db.membershipIdOf(client, institutionId);
    if (!membershipId) return [];
    const decided = await this.memberships.handle(membershipStream(membershipId), { type: 'RecordPaymentReversal', data: reversal, metadata: meta }, { client });
    return decided.events;
  }

  async tick(membershipId: string, now: string, actor: string): Promise<MembershipEvent[]> {
    const { state } = await this.memberships.load(membershipStream(membershipId));
    const pendingRenewal = state.institutionId ? await this.pendingRenewalOf(state.institutionId) : undefined;
    const decided = await this.memberships.handle(membershipStream(membershipId), { type: 'Tick', data: pendingRenewal ? { pendingRenewal } : {}, metadata: metadata(actor, { now }) });
    return decided.events;
  }

  /** The institution's confirmed, unpaid renewal: an expiry reminder points to its payment instead of "please renew". */
  async pendingRenewalOf(institutionId: string): Promise<PendingRenewal | undefined> {
    const applicationId = await db.openApplicationOf(this.pool, institutionId);
    if (!applicationId) return undefined;
    const application = await this.loadApplication(applicationId);
    if (application.application?.kind !== 'renewal') return undefined;
    if (application.status !== 'submitted' && application.status !== 'awaiting_payment') return undefined;
    return { applicationId, status: application.status, ...(application.order ? { amountDueFen: application.order.amountDueFen } : {}) };
  }

  /** Whether 修改寄送地址 is open: confirmed, not cancelled, and the certificate of this application not shipped yet. */
  async mailingAddressChangeable(state: ApplicationState): Promise<boolean> {
    if (!state.application || !state.submission) return false;
    if (state.status === 'submitted' || state.status === 'awaiting_payment') return true;
    if (state.status !== 'paid') return false;
    const membershipId = state.application.membershipId ?? (await db.membershipIdOf(this.pool, state.application.institutionId));
    if (!membershipId) return true;
    return !(await this.loadMembership(membershipId)).mailedApplicationIds.includes(state.application.applicationId);
  }

  /**
   * 修改寄送地址 after confirmation, until the certificate is shipped: the application records the change (and
   * announces it), and a paid application's certificate, still due, is redirected — both in one transaction, so a
   * shipment recorded meanwhile refuses the change instead of leaving the two streams disagreeing.
   */
  async changeMailingAddress(applicationId: string, mailingAddress: MailingAddress, actor: string, changedByStaff: boolean): Promise<ApplicationState> {
    return withTransaction(this.pool, async (client) => {
      const { state } = await this.applications.load(applicationStream(applicationId), client);
      const meta = metadata(actor);
      if (state.status === 'paid' && state.application) {
        const membershipId = state.application.membershipId ?? (await db.membershipIdOf(client, state.application.institutionId));
        if (membershipId) {
          await this.memberships.handle(membershipStream(membershipId), { type: 'ChangeCertificateAddress', data: { applicationId, mailingAddress }, metadata: meta }, { client });
        }
      }
      const decided = await this.applications.handle(applicationStream(applicationId), { type: 'ChangeMailingAddress', data: { mailingAddress, changedByStaff }, metadata: meta }, { client });
      return decided.state;
    });
  }

  async overrideStatus(membershipId: string, status: OverridableStatus, reason: string, actor: string): Promise<MembershipState> {
    await this.requireMembership(membershipId);
    const decided = await this.memberships.handle(membershipStream(membershipId), { type: 'StaffOverrideStatus', data: { status, reason }, metadata: metadata(actor) });
    return decided.state;
  }

  async recordCertificateMailed(membershipId: string, carrier: string, trackingNumber: string, actor: string): Promise<MembershipState> {
    await this.requireMembership(membershipId);
    const decided = await this.memberships.handle(membershipStream(membershipId), { type: 'RecordCertificateMailed', data: { carrier, trackingNumber }, metadata: metadata(actor) });
    return decided.state;
  }

  /** A staff action on an unknown id must not create a stream: answer 404 first. */
  private async requireMembership(membershipId: string): Promise<void> {
    const state = await this.loadMembership(membershipId);
    if (state.status === 'none') throw new ApiError(404, 'MEMBERSHIP_NOT_FOUND', '会员资格不存在');
  }
}

/** An upstream event that names another institution than the application's is bad data: dead-letter it. */
function assertSameInstitution(state: ApplicationState, institutionId: string): void {
  if (state.application && state.application.institutionId !== institutionId) {
    throw new PermanentError(`application ${state.application.applicationId} belongs to another institution than the event says`);
  }
}
