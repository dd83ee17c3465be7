import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';
import type { ApplicationKind, CodeName, MailingAddress } from './application';
import { MAX_YEARS, MIN_YEARS } from './application';
import { addDays, assertCalendarDate, daysBetween, shanghaiDate, yearOf, type CalendarDate } from './dates';
import { DEFAULT_MEMBERSHIP_POLICY, termEndFor, termFor, type MembershipPolicy } from './term-policy';

/** One stream per institution's membership (单位会员资格): number, validity, lifecycle, certificate. */

/**
 * payment_reversed: finance took back the payment that activated a term and the order is no longer paid: the
 * membership is suspended (no reminders, no certificate, no renewal) until the order is paid again or staff decide.
 */
export type MembershipStatus = 'none' | 'pending_payment' | 'active' | 'grace' | 'expired' | 'cancelled' | 'payment_reversed';
export const OVERRIDABLE_STATUSES = ['active', 'grace', 'expired', 'cancelled'] as const;
export type OverridableStatus = (typeof OVERRIDABLE_STATUSES)[number];

// ---- commands ----
export interface RegisterData {
  readonly institutionId: string;
  readonly applicationId: string;
}
export interface ActivateData {
  readonly institutionId: string;
  readonly applicationId: string;
  readonly orderId: string;
  readonly kind: ApplicationKind;
  readonly qualification: CodeName;
  readonly paidOn: CalendarDate;
  readonly years: number;
  /** Next value of the member-number sequence, allocated outside the domain; used on first activation only. */
  readonly memberSequence: number;
  /** Where this term's certificate goes (the application's 寄送地址). */
  readonly mailingAddress: MailingAddress;
  /**
   * Set when the application was confirmed on or after the fee schedule's late-join cut-off: the paid term starts on
   * this 1 January, while the membership is active from payment.
   */
  readonly paidTermStart?: CalendarDate;
}
export interface StaffOverrideData {
  readonly status: OverridableStatus;
  readonly reason: string;
}
/** billing.PaymentReversed, as far as membership cares. */
export interface RecordPaymentReversalData {
  readonly orderId: string;
  readonly transferId: string;
  readonly amountFen: number;
  /** The order's settlement after the reversal: still paid (another transfer covers it) or not. */
  readonly orderStatus: 'unpaid' | 'partially_paid' | 'paid' | 'overpaid';
  readonly reason: string;
  readonly reversedBy: string;
  readonly reversedAt: string;
}
export interface RecordCertificateMailedData {
  readonly carrier: string;
  readonly trackingNumber: string;
}

export type MembershipCommand =
  | Command<'Register', RegisterData>
  | Command<'Activate', ActivateData>
  | Command<'Tick', Record<string, never>>
  | Command<'StaffOverrideStatus', StaffOverrideData>
  | Command<'RecordCertificateMailed', RecordCertificateMailedData>
  | Command<'RecordPaymentReversal', RecordPaymentReversalData>
  | Command<'Cancel', { readonly reason: string }>;

// ---- events ----
interface Lifecycle {
  readonly membershipId: string;
  readonly institutionId: string;
  readonly memberNumber: string;
  readonly validTo: CalendarDate;
  readonly at: string;
}
export type MembershipRegistered = DomainEvent<'MembershipRegistered', RegisterData & { readonly membershipId: string; readonly registeredAt: string }>;
export type MembershipActivated = DomainEvent<
  'MembershipActivated',
  {
    readonly membershipId: string;
    readonly institutionId: string;
    readonly applicationId: string;
    readonly orderId: string;
    readonly kind: ApplicationKind;
    readonly qualification: CodeName;
    readonly memberNumber: string;
    readonly memberSince: CalendarDate;
    readonly paidOn: CalendarDate;
    readonly years: number;
    readonly validFrom: CalendarDate;
    readonly validTo: CalendarDate;
    readonly mailingAddress: MailingAddress;
    readonly activatedAt: string;
  }
>;
export type MembershipExpiring = DomainEvent<'MembershipExpiring', Lifecycle & { readonly daysBefore: number }>;
export type MembershipEnteredGrace = DomainEvent<'MembershipEnteredGrace', Lifecycle & { readonly graceEndsOn: CalendarDate }>;
export type MembershipExpired = DomainEvent<'MembershipExpired', Lifecycle>;
export type MembershipStatusOverridden = DomainEvent<
  'MembershipStatusOverridden',
  { readonly from: MembershipStatus; readonly to: OverridableStatus; readonly reason: string; readonly actor: string; readonly at: string }
>;
export type CertificateMailed = DomainEvent<
  'CertificateMailed',
  RecordCertificateMailedData & { readonly applicationId: string; readonly mailingAddress: MailingAddress; readonly mailedAt: string; readonly recordedBy: string }
>;
export type MembershipCancelled = DomainEvent<'MembershipCancelled', { readonly reason: string; readonly actor: string; readonly at: string }>;
/** Recorded whether or not the term stays covered: staff see every reversal of a payment that activated a term. */
export type MembershipPaymentReversed = DomainEvent<
  'MembershipPaymentReversed',
  RecordPaymentReversalData & { readonly membershipId: string; readonly institutionId: string; readonly covered: boolean; readonly statusAfter: MembershipStatus; readonly recordedAt: string }
>;
/** The reversed order was paid again: the suspension it caused is lifted. */
export type MembershipPaymentRestored = DomainEvent<
  'MembershipPaymentRestored',
  { readonly membershipId: string; readonly orderId: string; readonly paidOn: CalendarDate; readonly statusAfter: MembershipStatus; readonly at: string }
>;

export type MembershipEvent =
  | MembershipRegistered
  | MembershipActivated
  | MembershipExpiring
  | MembershipEnteredGrace
  | MembershipExpired
  | MembershipStatusOverridden
  | CertificateMailed
  | MembershipCancelled
  | MembershipPaymentReversed
  | MembershipPaymentRestored;

// ---- state ----
export interface MembershipState {
  readonly status: MembershipStatus;
  readonly membershipId?: string;
  readonly institutionId?: string;
  readonly memberNumber?: string;
  readonly memberSince?: CalendarDate;
  readonly qualification?: CodeName;
  readonly validFrom?: CalendarDate;
  readonly validTo?: CalendarDate;
  readonly pendingApplicationId?: string;
  readonly activatedApplicationIds: readonly string[];
  readonly activatedOrderIds: readonly string[];
  /** Reminder thresholds already sent for the current term. */
  readonly remindersSent: readonly number[];
  readonly certificateDue?: { readonly applicationId: string; readonly mailingAddress: MailingAddress };
  /** Orders that activated a term and are no longer paid after a reversal. */
  readonly uncoveredOrderIds: readonly string[];
  /** What a suspension for reversed payment interrupted, to return to once the orders are paid again. */
  readonly statusBeforeReversal?: MembershipStatus;
}

const ev = <E extends MembershipEvent>(type: E['type'], data: E['data']): E => ({ type, schemaVersion: 1, data }) as E;

export function formatMemberNumber(year: number, sequence: number): string {
  return `LSC-U-${year}-${String(sequence).padStart(6, '0')}`;
}

function text(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.trim().length < min || value.length > max) throw new DomainError('INVALID_FIELD', `字段无效：${field}`, { field });
  return value.trim();
}

function requireExisting(state: MembershipState): void {
  if (state.status === 'none') throw new DomainError('MEMBERSHIP_NOT_FOUND', '会员资格不存在');
}

/** For a renewal application: the current term, or a rejection when renewing is not possible. */
export function currentTermForRenewal(state: MembershipState): { validTo: CalendarDate; expired: boolean } {
  if (state.status !== 'active' && state.status !== 'grace' && state.status !== 'expired') {
    throw new DomainError('RENEWAL_NOT_ALLOWED', '当前会员状态不能续费', { status: state.status });
  }
  return { validTo: state.validTo!, expired: state.status === 'expired' };
}

export function makeMembershipDecider(policy: MembershipPolicy = DEFAULT_MEMBERSHIP_POLICY): Decider<MembershipCommand, MembershipState, MembershipEvent> {
  const thresholds = [...policy.reminderDaysBefore].sort((a, b) => a - b);

  const lifecycle = (state: MembershipState, at: string): Lifecycle => ({
    membershipId: state.membershipId!,
    institutionId: state.institutionId!,
    memberNumber: state.memberNumber!,
    validTo: state.validTo!,
    at,
  });

  function activate(command: Command<'Activate', ActivateData>, state: MembershipState): MembershipEvent[] {
    const d = command.data;
    if (state.activatedOrderIds.includes(d.orderId) && state.uncoveredOrderIds.includes(d.orderId)) {
      // The order whose payment was reversed is paid again (billing publishes PaymentOrderPaid anew): the term it
      // activated is covered again; it is not activated a second time.
      const paidOn = assertCalendarDate(d.paidOn, 'paidOn');
      const remaining = state.uncoveredOrderIds.filter((o) => o !== d.orderId);
      return [
        ev<MembershipPaymentRestored>('MembershipPaymentRestored', {
          membershipId: state.membershipId!,
          orderId: d.orderId,
          paidOn,
          statusAfter: remaining.length === 0 && state.status === 'payment_reversed' ? (state.statusBeforeReversal ?? 'active') : state.status,
          at: command.metadata.now,
        }),
      ];
    }
    if (state.activatedApplicationIds.includes(d.applicationId) || state.activatedOrderIds.includes(d.orderId)) return []; // redelivered payment
    if (state.status === 'cancelled') throw new DomainError('MEMBERSHIP_CANCELLED', '会员资格已取消，不能激活');
    const hasTerm = state.memberNumber !== undefined;
    if (d.kind === 'new' && hasTerm) throw new DomainError('ALREADY_MEMBER', '该单位已是会员，请使用会员续费');
    if (d.kind === 'renewal' && !hasTerm) throw new DomainError('RENEWAL_WITHOUT_MEMBERSHIP', '尚无会员资格，不能续费');
    if (d.kind !== 'new' && d.kind !== 'renewal') throw new DomainError('INVALID_KIND', '申请类型无效');
    const paidOn = assertCalendarDate(d.paidOn, 'paidOn');
    if (!Number.isInteger(d.years) || d.years < MIN_YEARS || d.years > MAX_YEARS) {
      throw new DomainError('YEARS_OUT_OF_RANGE', `资格期限须为${MIN_YEARS}至${MAX_YEARS}年的整数`, { years: d.years });
    }
    text(d.qualification?.code, 'qualification.code', 1, 50);
    text(d.qualification?.name, 'qualification.name', 1, 50);
    text(d.applicationId, 'applicationId', 1, 100);
    text(d.orderId, 'orderId', 1, 100);
    if (!d.mailingAddress) throw new DomainError('INVALID_FIELD', '缺少证书寄送地址', { field: 'mailingAddress' });

    let membershipId = state.membershipId;
    if (!membershipId) {
      membershipId = command.metadata.ids?.[0];
      if (!membershipId) throw new DomainError('ID_REQUIRED', '缺少会员资格编号');
    }
    let memberNumber = state.memberNumber;
    if (!memberNumber) {
      if (!Number.isInteger(d.memberSequence) || d.memberSequence < 1 || d.memberSequence > 999_999) {
        throw new DomainError('INVALID_MEMBER_SEQUENCE', '会员编号序号无效', { memberSequence: d.memberSequence });
      }
      memberNumber = formatMemberNumber(yearOf(paidOn), d.memberSequence);
    }
    const current = hasTerm
      ? { validTo: state.validTo!, expired: state.status === 'expired' || daysBetween(state.validTo!, paidOn) > policy.graceDays }
      : undefined;
    const deferred = d.paidTermStart !== undefined && (!current || current.expired) ? assertCalendarDate(d.paidTermStart, 'paidTermStart') : undefined;
    const { termStart, termEnd } = deferred
      ? // Active from payment; the years paid for are counted from the deferred start.
        { termStart: paidOn < deferred ? paidOn : deferred, termEnd: termEndFor(policy, deferred, d.years) }
      : termFor(policy, paidOn, d.years, current);
    return [
      ev<MembershipActivated>('MembershipActivated', {
        membershipId,
        institutionId: state.institutionId ?? d.institutionId,
        applicationId: d.applicationId,
        orderId: d.orderId,
        kind: d.kind,
        qualification: d.qualification,
        memberNumber,
        memberSince: state.memberSince ?? paidOn,
        paidOn,
        years: d.years,
        validFrom: termStart,
        validTo: termEnd,
        mailingAddress: d.mailingAddress,
        activatedAt: command.metadata.now,
      }),
    ];
  }

  function tick(now: string, state: MembershipState): MembershipEvent[] {
    if (state.status !== 'active' && state.status !== 'grace') return [];
    const today = shanghaiDate(now);
    const validTo = state.validTo!;
    const daysLeft = daysBetween(today, validTo);
    const events: MembershipEvent[] = [];
    if (state.status === 'active' && daysLeft >= 0) {
      // The most urgent threshold reached; a late tick never sends a stale 30-day reminder after the 7-day one is due.
      const due = thresholds.find((t) => daysLeft <= t);
      if (due !== undefined && !state.remindersSent.includes(due)) events.push(ev<MembershipExpiring>('MembershipExpiring', { ...lifecycle(state, now), daysBefore: due }));
      return events;
    }
    const graceEndsOn = addDays(validTo, policy.graceDays);
    if (state.status === 'active') events.push(ev<MembershipEnteredGrace>('MembershipEnteredGrace', { ...lifecycle(state, now), graceEndsOn }));
    if (-daysLeft > policy.graceDays) events.push(ev<MembershipExpired>('MembershipExpired', lifecycle(state, now)));
    return events;
  }

  function recordPaymentReversal(command: Command<'RecordPaymentReversal', RecordPaymentReversalData>, state: MembershipState): MembershipEvent[] {
    const d = command.data;
    // A reversal on an order that never activated a term (a partial payment, another application) leaves the
    // membership as it is: the application and billing hold that story.
    if (!state.activatedOrderIds.includes(d.orderId)) return [];
    text(d.transferId, 'transferId', 1, 100);
    const reason = text(d.reason, 'reason', 1, 500);
    if (!Number.isSafeInteger(d.amountFen) || d.amountFen < 0) throw new DomainError('INVALID_AMOUNT', '金额无效（整数分）', { amountFen: d.amountFen });
    const covered = d.orderStatus === 'paid' || d.orderStatus === 'overpaid';
    const suspends = !covered && (state.status === 'active' || state.status === 'grace' || state.status === 'expired');
    return [
      ev<MembershipPaymentReversed>('MembershipPaymentReversed', {
        ...d,
        reason,
        membershipId: state.membershipId!,
        institutionId: state.institutionId!,
        covered,
        statusAfter: suspends ? 'payment_reversed' : state.status,
        recordedAt: command.metadata.now,
      }),
    ];
  }

  return {
    streamType: 'membership',
    initialState: () => ({ status: 'none', activatedApplicationIds: [], activatedOrderIds: [], remindersSent: [], uncoveredOrderIds: [] }),

    decide(command, state) {
      const at = command.metadata.now;
      switch (command.type) {
        case 'Register': {
          if (state.status !== 'none') throw new DomainError('MEMBERSHIP_ALREADY_EXISTS', '会员资格已存在');
          const membershipId = command.metadata.ids?.[0];
          if (!membershipId) throw new DomainError('ID_REQUIRED', '缺少会员资格编号');
          text(command.data.institutionId, 'institutionId', 1, 100);
          text(command.data.applicationId, 'applicationId', 1, 100);
          return [ev<MembershipRegistered>('MembershipRegistered', { ...command.data, membershipId, registeredAt: at })];
        }
        case 'Activate':
          return activate(command, state);
        case 'Tick':
          return tick(at, state);
        case 'StaffOverrideStatus': {
          requireExisting(state);
          const to = command.data.status;
          if (!(OVERRIDABLE_STATUSES as readonly string[]).includes(to)) throw new DomainError('INVALID_STATUS', '目标状态无效', { status: to });
          const reason = text(command.data.reason, 'reason', 1, 500);
          if (to === state.status) throw new DomainError('STATUS_UNCHANGED', '状态未改变');
          if (to !== 'cancelled' && state.validTo === undefined) throw new DomainError('NO_TERM', '尚未缴费激活，不能设为该状态', { status: to });
          return [ev<MembershipStatusOverridden>('MembershipStatusOverridden', { from: state.status, to, reason, actor: command.metadata.actor, at })];
        }
        case 'RecordCertificateMailed': {
          requireExisting(state);
          if (state.status !== 'active') throw new DomainError('MEMBERSHIP_NOT_ACTIVE', '会员资格未生效，不能寄送证书');
          if (!state.certificateDue) throw new DomainError('NO_CERTIFICATE_DUE', '当前没有待寄送的证书');
          const carrier = text(command.data.carrier, 'carrier', 1, 50);
          const trackingNumber = text(command.data.trackingNumber, 'trackingNumber', 4, 40);
          return [
            ev<CertificateMailed>('CertificateMailed', {
              carrier,
              trackingNumber,
              applicationId: state.certificateDue.applicationId,
              mailingAddress: state.certificateDue.mailingAddress,
              mailedAt: at,
              recordedBy: command.metadata.actor,
            }),
          ];
        }
        case 'RecordPaymentReversal':
          return recordPaymentReversal(command, state);
        case 'Cancel': {
          requireExisting(state);
          if (state.status !== 'pending_payment') throw new DomainError('MEMBERSHIP_NOT_PENDING', '只能取消尚未缴费的会员资格', { status: state.status });
          const reason = text(command.data.reason, 'reason', 1, 500);
          return [ev<MembershipCancelled>('MembershipCancelled', { reason, actor: command.metadata.actor, at })];
        }
      }
    },

    evolve(state, event) {
      switch (event.type) {
        case 'MembershipRegistered':
          return { ...state, status: 'pending_payment', membershipId: event.data.membershipId, institutionId: event.data.institutionId, pendingApplicationId: event.data.applicationId };
        case 'MembershipActivated': {
          const d = event.data;
          return {
            ...state,
            status: 'active',
            membershipId: d.membershipId,
            institutionId: d.institutionId,
            memberNumber: d.memberNumber,
            memberSince: d.memberSince,
            qualification: d.qualification,
            validFrom: d.validFrom,
            validTo: d.validTo,
            pendingApplicationId: undefined,
            activatedApplicationIds: [...state.activatedApplicationIds, d.applicationId],
            activatedOrderIds: [...state.activatedOrderIds, d.orderId],
            remindersSent: [],
            certificateDue: { applicationId: d.applicationId, mailingAddress: d.mailingAddress },
          };
        }
        case 'MembershipExpiring':
          return { ...state, remindersSent: [...state.remindersSent, event.data.daysBefore] };
        case 'MembershipEnteredGrace':
          return { ...state, status: 'grace' };
        case 'MembershipExpired':
          return { ...state, status: 'expired' };
        case 'MembershipStatusOverridden':
          // Staff overriding a suspension have settled the reversed payments themselves.
          return state.status === 'payment_reversed' ? { ...state, status: event.data.to, uncoveredOrderIds: [], statusBeforeReversal: undefined } : { ...state, status: event.data.to };
        case 'CertificateMailed':
          return { ...state, certificateDue: undefined };
        case 'MembershipCancelled':
          return { ...state, status: 'cancelled' };
        case 'MembershipPaymentReversed': {
          const d = event.data;
          if (d.covered) return state;
          return {
            ...state,
            status: d.statusAfter,
            uncoveredOrderIds: state.uncoveredOrderIds.includes(d.orderId) ? state.uncoveredOrderIds : [...state.uncoveredOrderIds, d.orderId],
            statusBeforeReversal: state.status === 'payment_reversed' ? state.statusBeforeReversal : state.status,
          };
        }
        case 'MembershipPaymentRestored': {
          const uncoveredOrderIds = state.uncoveredOrderIds.filter((o) => o !== event.data.orderId);
          return { ...state, status: event.data.statusAfter, uncoveredOrderIds, statusBeforeReversal: uncoveredOrderIds.length === 0 ? undefined : state.statusBeforeReversal };
        }
      }
    },
  };
}

export const membershipDecider = makeMembershipDecider();
