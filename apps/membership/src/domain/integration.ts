import {
  ApplicationCancelled,
  ApplicationSubmitted,
  CertificateMailed,
  MembershipActivated,
  MembershipEnteredGrace,
  MembershipExpired,
  MailingAddressChanged,
  MembershipExpiringV2Contract,
  MembershipPaymentReversedV2Contract,
  MembershipPaymentRestored,
  type Contract,
} from '@lsc/contracts';
import { DomainError } from '@lsc/event-sourcing';
import type { ApplicationEvent, ApplicationState } from './application';
import type { MembershipEvent, MembershipState } from './membership';

/** A payload ready for the outbox: the contract it claims and its data. */
export interface IntegrationMessage {
  readonly contract: Contract;
  readonly data: object;
}

/** Typed at the call site: `data` must be the contract's payload shape. */
const message = <T extends object>(contract: Contract<string, T>, data: T): IntegrationMessage => ({ contract, data });

function missing(what: string): never {
  throw new DomainError('STREAM_STATE_INCOMPLETE', `流状态缺少${what}，无法生成集成事件`, { what });
}

/**
 * Maps a domain event of an application stream to the integration events it publishes. `state` is the stream state
 * after the event was applied (the state before works too: only facts from earlier events are read from it).
 */
export function toApplicationIntegrationEvents(state: ApplicationState, event: ApplicationEvent): IntegrationMessage[] {
  const app = state.application;
  switch (event.type) {
    case 'ApplicationSubmitted': {
      if (!app) return missing('申请信息');
      const d = event.data;
      return [
        message(ApplicationSubmitted, {
          applicationId: app.applicationId,
          institutionId: app.institutionId,
          institutionName: app.institutionName,
          kind: app.kind,
          ...(app.membershipId ? { membershipId: app.membershipId } : {}),
          qualificationCode: app.qualification.code,
          qualificationName: app.qualification.name,
          staffTierCode: app.staffTier.code,
          staffTierName: app.staffTier.name,
          years: app.years,
          organisationType: app.organisationType,
          termStart: app.termStart,
          termEnd: app.termEnd,
          mailingAddress: { ...d.mailingAddress, region: { ...d.mailingAddress.region } },
          invoiceTitle: d.invoiceTitle,
          creditCode: d.creditCode,
          submittedAt: d.submittedAt,
        }),
      ];
    }
    case 'ApplicationCancelled':
      if (!app) return missing('申请信息');
      return [message(ApplicationCancelled, { applicationId: app.applicationId, institutionId: app.institutionId, reason: event.data.reason, cancelledAt: event.data.cancelledAt })];
    case 'MailingAddressChanged': {
      if (!app) return missing('申请信息');
      const d = event.data;
      const copy = (a: typeof d.mailingAddress) => ({ ...a, region: { ...a.region } });
      return [
        message(MailingAddressChanged, {
          applicationId: app.applicationId,
          institutionId: app.institutionId,
          kind: app.kind,
          mailingAddress: copy(d.mailingAddress),
          previousMailingAddress: copy(d.previousMailingAddress),
          changedByStaff: d.changedByStaff,
          changedBy: d.changedBy,
          changedAt: d.changedAt,
        }),
      ];
    }
    // Private to the stream (no contract yet): drafts, recorded orders, payment, stray facts for staff follow-up.
    case 'ApplicationStarted':
    case 'ApplicationRequoted':
    case 'PaymentOrderRecorded':
    case 'ApplicationPaid':
    case 'PaymentOrderIssuedForCancelledApplication':
    case 'PaymentReceivedForCancelledApplication':
      return [];
  }
}

/** Maps a domain event of a membership stream to its integration events (`state`: after or before the event). */
export function toMembershipIntegrationEvents(state: MembershipState, event: MembershipEvent): IntegrationMessage[] {
  switch (event.type) {
    case 'MembershipActivated': {
      const d = event.data;
      return [
        message(MembershipActivated, {
          membershipId: d.membershipId,
          institutionId: d.institutionId,
          applicationId: d.applicationId,
          memberNumber: d.memberNumber,
          kind: d.kind,
          qualificationCode: d.qualification.code,
          qualificationName: d.qualification.name,
          validFrom: d.validFrom,
          validTo: d.validTo,
          memberSince: d.memberSince,
          orderId: d.orderId,
          activatedAt: d.activatedAt,
        }),
      ];
    }
    case 'MembershipExpiring': {
      const { membershipId, institutionId, memberNumber, validTo, daysBefore, daysLeft, pendingRenewal, at } = event.data;
      return [
        message(MembershipExpiringV2Contract, {
          membershipId,
          institutionId,
          memberNumber,
          validTo,
          daysBefore,
          // Events decided before daysLeft existed were sent on the threshold day's tick at the latest.
          daysLeft: daysLeft ?? daysBefore,
          ...(pendingRenewal ? { pendingRenewal: { ...pendingRenewal } } : {}),
          at,
        }),
      ];
    }
    case 'MembershipEnteredGrace': {
      const { membershipId, institutionId, memberNumber, validTo, at } = event.data;
      return [message(MembershipEnteredGrace, { membershipId, institutionId, memberNumber, validTo, at })];
    }
    case 'MembershipExpired': {
      const { membershipId, institutionId, memberNumber, validTo, at } = event.data;
      return [message(MembershipExpired, { membershipId, institutionId, memberNumber, validTo, at })];
    }
    case 'CertificateMailed': {
      if (!state.membershipId || !state.institutionId || !state.memberNumber) return missing('会员编号');
      const d = event.data;
      return [
        message(CertificateMailed, {
          membershipId: state.membershipId,
          institutionId: state.institutionId,
          memberNumber: state.memberNumber,
          carrier: d.carrier,
          trackingNumber: d.trackingNumber,
          mailingAddress: { ...d.mailingAddress, region: { ...d.mailingAddress.region } },
          mailedAt: d.mailedAt,
        }),
      ];
    }
    case 'MembershipPaymentReversed': {
      // A reversal that leaves the term paid (another transfer covers the order) changes nothing outside.
      const d = event.data;
      if (d.covered) return [];
      if (!state.memberNumber) return missing('会员编号');
      const term = d.term ?? [...state.terms, ...state.reversedTerms].find((t) => t.orderId === d.orderId);
      if (!term) return missing('被冲销的会员期');
      const status = d.statusAfter;
      if (status !== 'active' && status !== 'grace' && status !== 'expired' && status !== 'payment_reversed') return missing('冲销后的状态');
      const undone = d.undone ?? 'membership';
      return [
        message(MembershipPaymentReversedV2Contract, {
          membershipId: d.membershipId,
          institutionId: d.institutionId,
          memberNumber: state.memberNumber,
          applicationId: term.applicationId,
          orderId: d.orderId,
          transferId: d.transferId,
          reason: d.reason,
          kind: term.kind,
          undone,
          status,
          termFrom: term.validFrom,
          termTo: term.validTo,
          ...(undone === 'renewal' && d.validToAfter ? { validTo: d.validToAfter } : {}),
          amountFen: d.amountFen,
          at: d.recordedAt,
        }),
      ];
    }
    case 'MembershipPaymentRestored': {
      if (!state.institutionId || !state.memberNumber) return missing('会员编号');
      const d = event.data;
      const status = d.statusAfter;
      if (status !== 'active' && status !== 'grace' && status !== 'expired' && status !== 'payment_reversed') return missing('恢复后的状态');
      return [message(MembershipPaymentRestored, { membershipId: d.membershipId, institutionId: state.institutionId, memberNumber: state.memberNumber, orderId: d.orderId, paidOn: d.paidOn, status, at: d.at })];
    }
    // No contract yet (see report): registration, staff overrides and cancellation stay inside membership.
    case 'MembershipRegistered':
    case 'MembershipStatusOverridden':
    case 'MembershipCancelled':
    // The application stream announces the address change (MailingAddressChanged); this only redirects the certificate.
    case 'CertificateAddressChanged':
      return [];
  }
}

export function toIntegrationEvents(state: ApplicationState, event: ApplicationEvent): IntegrationMessage[];
export function toIntegrationEvents(state: MembershipState, event: MembershipEvent): IntegrationMessage[];
export function toIntegrationEvents(state: ApplicationState | MembershipState, event: ApplicationEvent | MembershipEvent): IntegrationMessage[] {
  return isApplicationEvent(event) ? toApplicationIntegrationEvents(state as ApplicationState, event) : toMembershipIntegrationEvents(state as MembershipState, event);
}

const APPLICATION_EVENT_TYPES: ReadonlySet<string> = new Set<ApplicationEvent['type']>([
  'ApplicationStarted',
  'ApplicationSubmitted',
  'ApplicationRequoted',
  'PaymentOrderRecorded',
  'ApplicationPaid',
  'ApplicationCancelled',
  'PaymentOrderIssuedForCancelledApplication',
  'PaymentReceivedForCancelledApplication',
  'MailingAddressChanged',
]);
function isApplicationEvent(event: ApplicationEvent | MembershipEvent): event is ApplicationEvent {
  return APPLICATION_EVENT_TYPES.has(event.type);
}
