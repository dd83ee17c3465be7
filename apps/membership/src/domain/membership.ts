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
/** A renewal application of this member that is confirmed but not paid yet (read by the lifecycle job). */
export interface PendingRenewal {
  readonly applicationId: string;
  readonly status: 'submitted' | 'awaiting_payment';
  readonly amountDueFen?: number;
}
export interface TickData {
  readonly pendingRenewal?: PendingRenewal;
}
/** The application's 寄送地址 changed before its certificate was shipped. */
export interface ChangeCertificateAddressData {
  readonly applicationId: string;
  readonly mailingAddress: MailingAddress;
}
/** One paid term of the membership (a first activation or a renewal). */
export interface Term {
  readonly applicationId: string;
  readonly orderId: string;
  readonly kind: ApplicationKind;
  readonly years: number;
  readonly paidOn: CalendarDate;
  readonly validFrom: CalendarDate;
  readonly validTo: CalendarDate;
  readonly mailingAddress: MailingAddress;
}

export type MembershipCommand =
  | Command<'Register', RegisterData>
  | Command<'Activate', ActivateData>
  | Command<'Tick', TickData>
  | Command<'ChangeCertificateAddress', ChangeCertificateAddressData>
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
/** daysBefore: the reminder threshold reached; daysLeft: the real Shanghai calendar days to the end of term. */
export type MembershipExpiring = DomainEvent<'MembershipExpiring', Lifecycle & { readonly daysBefore: number; readonly daysLeft?: number; readonly pendingRenewal?: PendingRenewal }>;
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
/**
 * Recorded whether or not the term stays covered: staff see every reversal of a payment that activated a term.
 * undone (absent on events written before it existed = 'membership'): 'renewal' when only the renewed term the order
 * paid is taken back (validToAfter is the end of what stays paid); 'membership' when the membership is suspended.
 */
export type MembershipPaymentReversed = DomainEvent<
  'MembershipPaymentReversed',
  RecordPaymentReversalData & {
    readonly membershipId: string;
    readonly institutionId: string;
    readonly covered: boolean;
    readonly statusAfter: MembershipStatus;
    readonly recordedAt: string;
    readonly undone?: 'renewal' | 'membership';
    readonly term?: Term;
    readonly validToAfter?: CalendarDate;
  }
>;
/** The reversed order was paid again: the suspension it caused is lifted, or the renewed term it paid is back. */
export type MembershipPaymentRestored = DomainEvent<
  'MembershipPaymentRestored',
  { readonly membershipId: string; readonly orderId: string; readonly paidOn: CalendarDate; readonly statusAfter: MembershipStatus; readonly at: string; readonly term?: Term }
>;
/** The certificate not yet shipped goes to the application's new 寄送地址. */
export type CertificateAddressChanged = DomainEvent<'CertificateAddressChanged', ChangeCertificateAddressData & { readonly changedBy: string; readonly changedAt: string }>;

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
  | MembershipPaymentRestored
  | CertificateAddressChanged;

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
  /** Paid terms in order; validFrom/validTo above span them. A renewal term whose payment was reversed is removed. */
  readonly terms: readonly Term[];
  /** Renewal terms taken back by a reversal, to put back when their order is paid again. */
  readonly reversedTerms: readonly Term[];
  /** Applications whose certificate was shipped: their 寄送地址 can no longer change. */
  readonly mailedApplicationIds: readonly string[];
}

/** What the member is covered by on `today`: the term running now (or next), a paid renewal after it, the end of cover. */
export interface Coverage {
  readonly currentTerm?: { readonly validFrom: CalendarDate; readonly validTo: CalendarDate };
  readonly renewedTerm?: { readonly applicationId: string; readonly validFrom: CalendarDate; readonly validTo: CalendarDate; readonly years: number; readonly paidOn: CalendarDate };
  readonly validFrom?: CalendarDate;
  readonly validTo?: CalendarDate;
}

/**
 * The terms as a member sees them on `today` (a Shanghai date): the current term is the last one that has started
 * (or the first, before any started); later terms are the paid renewal. validFrom is where the current cover began,
 * validTo where all paid cover ends.
 */
export function coverageOn(terms: readonly Pick<Term, 'applicationId' | 'validFrom' | 'validTo' | 'years' | 'paidOn'>[], today: CalendarDate): Coverage {
  if (terms.length === 0) return {};
  const sorted = [...terms].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  const startedCount = sorted.filter((t) => t.validFrom <= today).length;
  const current = sorted[Math.max(0, startedCount - 1)];
  const later = sorted.slice(Math.max(1, startedCount));
  const last = sorted[sorted.length - 1];
  const renewed = later.length
    ? { applicationId: later[later.length - 1].applicationId, validFrom: later[0].validFrom, validTo: later[later.length - 1].validTo, years: later.reduce((n, t) => n + t.years, 0), paidOn: later[later.length - 1].paidOn }
    : undefined;
  return { currentTerm: { validFrom: current.validFrom, validTo: current.validTo }, ...(renewed ? { renewedTerm: renewed } : {}), validFrom: current.validFrom, validTo: last.validTo };
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

/** The certificate due once `removed` is taken back: the latest remaining term's, unless it was shipped already. */
function dueBefore(state: MembershipState, removed: Term): MembershipState['certificateDue'] {
  const last = state.terms.filter((t) => t.orderId !== removed.orderId).at(-1);
  return last && !state.mailedApplicationIds.includes(last.applicationId) ? { applicationId: last.applicationId, mailingAddress: last.mailingAddress } : undefined;
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
      const term = state.reversedTerms.find((t) => t.orderId === d.orderId);
      if (term) {
        // A renewed term taken back by the reversal is paid again: it covers again from where it started.
        const validTo = [...state.terms, term].reduce((end, t) => (t.validTo > end ? t.validTo : end), term.validTo);
        return [
          ev<MembershipPaymentRestored>('MembershipPaymentRestored', {
            membershipId: state.membershipId!,
            orderId: d.orderId,
            paidOn,
            statusAfter: state.status === 'payment_reversed' ? state.status : statusOnDate(validTo, shanghaiDate(command.metadata.now), state.status),
            at: command.metadata.now,
            term,
          }),
        ];
      }
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

  /** Where the dates put a covered membership: active until validTo, then grace, then expired. */
  function statusOnDate(validTo: CalendarDate, today: CalendarDate, fallback: MembershipStatus): MembershipStatus {
    if (fallback !== 'active' && fallback !== 'grace' && fallback !== 'expired') return fallback;
    const overdue = daysBetween(validTo, today);
    return overdue <= 0 ? 'active' : overdue > policy.graceDays ? 'expired' : 'grace';
  }

  function tick(now: string, state: MembershipState, data: TickData): MembershipEvent[] {
    if (state.status !== 'active' && state.status !== 'grace') return [];
    const today = shanghaiDate(now);
    const validTo = state.validTo!;
    const daysLeft = daysBetween(today, validTo);
    const events: MembershipEvent[] = [];
    if (state.status === 'active' && daysLeft >= 0) {
      // The most urgent threshold reached; a late tick never sends a stale 30-day reminder after the 7-day one is due.
      const due = thresholds.find((t) => daysLeft <= t);
      if (due !== undefined && !state.remindersSent.includes(due)) {
        const pendingRenewal = data?.pendingRenewal;
        events.push(ev<MembershipExpiring>('MembershipExpiring', { ...lifecycle(state, now), daysBefore: due, daysLeft, ...(pendingRenewal ? { pendingRenewal } : {}) }));
      }
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
    const base = { ...d, reason, membershipId: state.membershipId!, institutionId: state.institutionId!, covered, recordedAt: command.metadata.now };
    if (covered) return [ev<MembershipPaymentReversed>('MembershipPaymentReversed', { ...base, statusAfter: state.status })];
    const term = state.terms.find((t) => t.orderId === d.orderId);
    const others = state.terms.filter((t) => t.orderId !== d.orderId);
    if (term && term.kind === 'renewal' && others.length > 0 && state.status !== 'payment_reversed' && state.status !== 'cancelled') {
      // Only the renewed term rested on this payment: take that term back; the terms paid otherwise still cover.
      const validToAfter = others.reduce((end, t) => (t.validTo > end ? t.validTo : end), others[0].validTo);
      return [
        ev<MembershipPaymentReversed>('MembershipPaymentReversed', {
          ...base,
          undone: 'renewal',
          term,
          validToAfter,
          statusAfter: statusOnDate(validToAfter, shanghaiDate(command.metadata.now), state.status),
        }),
      ];
    }
    const suspends = state.status === 'active' || state.status === 'grace' || state.status === 'expired';
    return [ev<MembershipPaymentReversed>('MembershipPaymentReversed', { ...base, undone: 'membership', ...(term ? { term } : {}), statusAfter: suspends ? 'payment_reversed' : state.status })];
  }

  return {
    streamType: 'membership',
    initialState: () => ({ status: 'none', activatedApplicationIds: [], activatedOrderIds: [], remindersSent: [], uncoveredOrderIds: [], terms: [], reversedTerms: [], mailedApplicationIds: [] }),

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
          return tick(at, state, command.data);
        case 'ChangeCertificateAddress': {
          requireExisting(state);
          const d = command.data;
          if (state.mailedApplicationIds.includes(d.applicationId)) {
            throw new DomainError('CERTIFICATE_ALREADY_MAILED', '会员证书已寄出，寄送地址不能再修改；如需改寄，请联系学会工作人员');
          }
          // Not this application's certificate to ship (e.g. its renewal was taken back): nothing to redirect.
          if (state.certificateDue?.applicationId !== d.applicationId) return [];
          if (!d.mailingAddress) throw new DomainError('INVALID_FIELD', '缺少证书寄送地址', { field: 'mailingAddress' });
          return [ev<CertificateAddressChanged>('CertificateAddressChanged', { ...d, changedBy: command.metadata.actor, changedAt: at })];
        }
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
            terms: [...state.terms, { applicationId: d.applicationId, orderId: d.orderId, kind: d.kind, years: d.years, paidOn: d.paidOn, validFrom: d.validFrom, validTo: d.validTo, mailingAddress: d.mailingAddress }],
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
          return { ...state, certificateDue: undefined, mailedApplicationIds: [...state.mailedApplicationIds, event.data.applicationId] };
        case 'CertificateAddressChanged':
          if (state.certificateDue?.applicationId !== event.data.applicationId) return state;
          return {
            ...state,
            certificateDue: { applicationId: event.data.applicationId, mailingAddress: event.data.mailingAddress },
            terms: state.terms.map((t) => (t.applicationId === event.data.applicationId ? { ...t, mailingAddress: event.data.mailingAddress } : t)),
          };
        case 'MembershipCancelled':
          return { ...state, status: 'cancelled' };
        case 'MembershipPaymentReversed': {
          const d = event.data;
          if (d.covered) return state;
          if (d.undone === 'renewal' && d.term) {
            const term = d.term;
            return {
              ...state,
              status: d.statusAfter,
              validTo: d.validToAfter ?? state.validTo,
              validFrom: state.terms.filter((t) => t.orderId !== term.orderId).at(-1)?.validFrom ?? state.validFrom,
              terms: state.terms.filter((t) => t.orderId !== term.orderId),
              reversedTerms: [...state.reversedTerms, term],
              uncoveredOrderIds: state.uncoveredOrderIds.includes(d.orderId) ? state.uncoveredOrderIds : [...state.uncoveredOrderIds, d.orderId],
              // The taken-back term's certificate must not go out; reminders count down to the end that is paid.
              certificateDue: state.certificateDue?.applicationId === term.applicationId ? dueBefore(state, term) : state.certificateDue,
              remindersSent: [],
            };
          }
          return {
            ...state,
            status: d.statusAfter,
            uncoveredOrderIds: state.uncoveredOrderIds.includes(d.orderId) ? state.uncoveredOrderIds : [...state.uncoveredOrderIds, d.orderId],
            statusBeforeReversal: state.status === 'payment_reversed' ? state.statusBeforeReversal : state.status,
          };
        }
        case 'MembershipPaymentRestored': {
          const uncoveredOrderIds = state.uncoveredOrderIds.filter((o) => o !== event.data.orderId);
          const term = event.data.term;
          if (term) {
            const terms = [...state.terms, term].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
            return {
              ...state,
              status: event.data.statusAfter,
              terms,
              validTo: terms.at(-1)!.validTo,
              validFrom: terms.at(-1)!.validFrom,
              reversedTerms: state.reversedTerms.filter((t) => t.orderId !== term.orderId),
              uncoveredOrderIds,
              certificateDue: state.mailedApplicationIds.includes(term.applicationId) ? state.certificateDue : { applicationId: term.applicationId, mailingAddress: term.mailingAddress },
              remindersSent: [],
            };
          }
          return { ...state, status: event.data.statusAfter, uncoveredOrderIds, statusBeforeReversal: uncoveredOrderIds.length === 0 ? undefined : state.statusBeforeReversal };
        }
      }
    },
  };
}

export const membershipDecider = makeMembershipDecider();
