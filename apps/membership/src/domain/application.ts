import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';
import { ORGANISATION_TYPES, type OrganisationType } from '@lsc/contracts';
import { assertCalendarDate, shanghaiDate, type CalendarDate } from './dates';
import { DEFAULT_MEMBERSHIP_POLICY, paidTermFor, type MembershipPolicy } from './term-policy';

/** One stream per application (a first application or a renewal): 会员申请 → 确认申请信息 → 缴费. */

export interface CodeName {
  readonly code: string;
  readonly name: string;
}

export interface Region {
  readonly provinceCode: string;
  readonly provinceName: string;
  readonly cityCode: string;
  readonly cityName: string;
  readonly districtCode: string;
  readonly districtName: string;
}

export interface MailingAddress {
  readonly recipient: string;
  readonly mobile: string;
  readonly landline?: string;
  readonly region: Region;
  readonly street: string;
  readonly postcode: string;
}

/** The fee from the published schedule (membership's read model of billing's fee-schedule events). */
export interface FeeQuote {
  readonly feePerYearFen: number;
  readonly amountDueFen: number;
  readonly scheduleVersion: string;
  /** The version's late-join cut-off (MM-DD) or null; absent on applications started before term policies existed. */
  readonly lateJoinCutoff?: string | null;
  /** The fee was a placeholder (an invented figure awaiting finance) when quoted: staff see it flagged. */
  readonly placeholder?: boolean;
}

export type ApplicationKind = 'new' | 'renewal';
export type ApplicationStatus = 'none' | 'draft' | 'submitted' | 'awaiting_payment' | 'paid' | 'cancelled';

export const MIN_YEARS = 1;
export const MAX_YEARS = 5;

// ---- commands ----
export interface ApplyData {
  readonly institutionId: string;
  readonly institutionName: string;
  readonly kind: ApplicationKind;
  /** Renewals only: the membership being renewed and its current end of term (from the membership read model). */
  readonly membershipId?: string;
  readonly currentTerm?: { readonly validTo: CalendarDate; readonly expired: boolean };
  readonly qualification: CodeName;
  readonly staffTier: CodeName;
  readonly years: number;
  readonly organisationType: OrganisationType;
  readonly quote: FeeQuote;
}
export interface ConfirmData {
  readonly mailingAddress: MailingAddress;
  readonly invoiceTitle: string;
  readonly creditCode: string;
  /** Set by the HTTP validation layer when the credit code does not fit the organisation type; shown to staff. */
  readonly creditCodeWarning?: string;
}
export interface RecordPaymentOrderData {
  readonly orderId: string;
  readonly amountDueFen: number;
  readonly payee: { readonly accountName: string; readonly bankName: string; readonly accountNumber: string };
  readonly transferRemark: string;
  readonly paymentCode: string;
  /** Billing's figures behind the amount, to requote an application whose quote billing did not follow. */
  readonly billed: { readonly feePerYearFen: number; readonly scheduleVersion: string };
}
export interface RequoteData {
  readonly quote: FeeQuote;
}
export interface MarkPaidData {
  readonly orderId: string;
  readonly paidOn: CalendarDate;
}
export interface CancelData {
  readonly reason: string;
}
export interface ChangeMailingAddressData {
  readonly mailingAddress: MailingAddress;
  /** member_admin acting for the institution (shown in the notice and the history). */
  readonly changedByStaff: boolean;
}

export type ApplicationCommand =
  | Command<'Apply', ApplyData>
  | Command<'Confirm', ConfirmData>
  | Command<'Requote', RequoteData>
  | Command<'RecordPaymentOrder', RecordPaymentOrderData>
  | Command<'MarkPaid', MarkPaidData>
  | Command<'Cancel', CancelData>
  | Command<'ChangeMailingAddress', ChangeMailingAddressData>;

// ---- events ----
export type ApplicationStarted = DomainEvent<
  'ApplicationStarted',
  ApplyData & { readonly applicationId: string; readonly termStart: CalendarDate; readonly termEnd: CalendarDate; readonly startedAt: string }
>;
/** The paid term is fixed here, on the confirmation date, under the quote's term policy (absent on older events). */
export type ApplicationSubmitted = DomainEvent<
  'ApplicationSubmitted',
  ConfirmData & { readonly submittedAt: string; readonly termStart?: CalendarDate; readonly termEnd?: CalendarDate; readonly startsNextYear?: boolean }
>;
/**
 * The application's fee follows the schedule: a new version took effect before confirmation ('schedule_changed'), or
 * billing issued the order for another amount ('payment_order': billing's charge is what must be paid; an application
 * never stays without its order).
 */
export type ApplicationRequoted = DomainEvent<
  'ApplicationRequoted',
  {
    readonly quote: FeeQuote;
    readonly previous: FeeQuote;
    readonly reason: 'schedule_changed' | 'payment_order';
    readonly requotedAt: string;
    /** A draft's provisional term under the new version's term policy. */
    readonly termStart?: CalendarDate;
    readonly termEnd?: CalendarDate;
  }
>;
export type PaymentOrderRecorded = DomainEvent<'PaymentOrderRecorded', RecordPaymentOrderData & { readonly recordedAt: string }>;
export type ApplicationPaid = DomainEvent<'ApplicationPaid', MarkPaidData & { readonly recordedAt: string }>;
export type ApplicationCancelled = DomainEvent<'ApplicationCancelled', { readonly reason: string; readonly cancelledBy: string; readonly cancelledAt: string }>;
/** Billing issued an order for an application that was cancelled meanwhile: staff should have the order cancelled. */
export type PaymentOrderIssuedForCancelledApplication = DomainEvent<'PaymentOrderIssuedForCancelledApplication', RecordPaymentOrderData & { readonly recordedAt: string }>;
/** Money arrived for a cancelled application: staff decide between refund and reinstatement. */
export type PaymentReceivedForCancelledApplication = DomainEvent<'PaymentReceivedForCancelledApplication', MarkPaidData & { readonly recordedAt: string }>;

/** The 寄送地址 after confirmation; the certificate (not shipped yet) goes to the new address. */
export type MailingAddressChanged = DomainEvent<
  'MailingAddressChanged',
  ChangeMailingAddressData & { readonly previousMailingAddress: MailingAddress; readonly changedBy: string; readonly changedAt: string }
>;

export type ApplicationEvent =
  | MailingAddressChanged
  | ApplicationStarted
  | ApplicationSubmitted
  | ApplicationRequoted
  | PaymentOrderRecorded
  | ApplicationPaid
  | ApplicationCancelled
  | PaymentOrderIssuedForCancelledApplication
  | PaymentReceivedForCancelledApplication;

// ---- state ----
export interface ApplicationState {
  readonly status: ApplicationStatus;
  readonly application?: ApplicationStarted['data'];
  readonly submission?: ApplicationSubmitted['data'];
  readonly order?: PaymentOrderRecorded['data'];
  readonly paidOn?: CalendarDate;
  readonly cancelledAt?: string;
  readonly cancelReason?: string;
  /** Facts that arrived after cancellation, kept for staff follow-up and idempotency. */
  readonly strayOrderIds: readonly string[];
  readonly strayPaymentOrderIds: readonly string[];
}

const ev = <E extends ApplicationEvent>(type: E['type'], data: E['data']): E => ({ type, schemaVersion: 1, data }) as E;

function nonBlank(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw new DomainError('INVALID_FIELD', `字段无效：${field}`, { field });
  }
  return value;
}

function fen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('INVALID_AMOUNT', `金额必须为非负整数（分）：${field}`, { field, value });
  }
  return value;
}

function validateApply(d: ApplyData): void {
  nonBlank(d.institutionId, 'institutionId', 100);
  nonBlank(d.institutionName, 'institutionName', 200);
  if (d.kind !== 'new' && d.kind !== 'renewal') throw new DomainError('INVALID_KIND', '申请类型无效');
  if (d.kind === 'renewal' && (!d.membershipId || !d.currentTerm)) {
    throw new DomainError('RENEWAL_REQUIRES_MEMBERSHIP', '续费申请必须指明现有会员资格');
  }
  if (d.kind === 'new' && (d.membershipId !== undefined || d.currentTerm !== undefined)) {
    throw new DomainError('NEW_APPLICATION_WITH_MEMBERSHIP', '新入会申请不能指定现有会员资格，请使用会员续费');
  }
  if (d.currentTerm) assertCalendarDate(d.currentTerm.validTo, 'currentTerm.validTo');
  nonBlank(d.qualification?.code, 'qualification.code', 50);
  nonBlank(d.qualification?.name, 'qualification.name', 50);
  nonBlank(d.staffTier?.code, 'staffTier.code', 50);
  nonBlank(d.staffTier?.name, 'staffTier.name', 50);
  if (!Number.isInteger(d.years) || d.years < MIN_YEARS || d.years > MAX_YEARS) {
    throw new DomainError('YEARS_OUT_OF_RANGE', `资格期限须为${MIN_YEARS}至${MAX_YEARS}年的整数`, { years: d.years });
  }
  if (!(ORGANISATION_TYPES as readonly string[]).includes(d.organisationType)) {
    throw new DomainError('INVALID_ORGANISATION_TYPE', '机构性质无效', { organisationType: d.organisationType });
  }
  fen(d.quote?.feePerYearFen, 'quote.feePerYearFen');
  fen(d.quote?.amountDueFen, 'quote.amountDueFen');
  nonBlank(d.quote?.scheduleVersion, 'quote.scheduleVersion', 40);
}

function validateConfirm(d: ConfirmData): void {
  const a = d.mailingAddress;
  if (!a) throw new DomainError('INVALID_FIELD', '请填写寄送地址', { field: 'mailingAddress' });
  nonBlank(a.recipient, 'mailingAddress.recipient', 50);
  nonBlank(a.mobile, 'mailingAddress.mobile', 20);
  nonBlank(a.street, 'mailingAddress.street', 500);
  nonBlank(a.postcode, 'mailingAddress.postcode', 6);
  nonBlank(a.region?.provinceCode, 'mailingAddress.region.provinceCode', 6);
  nonBlank(a.region?.cityCode, 'mailingAddress.region.cityCode', 6);
  nonBlank(a.region?.districtCode, 'mailingAddress.region.districtCode', 6);
  nonBlank(d.invoiceTitle, 'invoiceTitle', 200);
  nonBlank(d.creditCode, 'creditCode', 18);
}

function sameAddress(a: MailingAddress, b: MailingAddress): boolean {
  return (
    a.recipient === b.recipient &&
    a.mobile === b.mobile &&
    (a.landline ?? '') === (b.landline ?? '') &&
    a.region.districtCode === b.region.districtCode &&
    a.region.cityCode === b.region.cityCode &&
    a.region.provinceCode === b.region.provinceCode &&
    a.street === b.street &&
    a.postcode === b.postcode
  );
}

function requireStarted(state: ApplicationState): NonNullable<ApplicationState['application']> {
  if (state.status === 'none' || !state.application) throw new DomainError('APPLICATION_NOT_FOUND', '申请不存在');
  return state.application;
}

export function makeApplicationDecider(policy: MembershipPolicy = DEFAULT_MEMBERSHIP_POLICY): Decider<ApplicationCommand, ApplicationState, ApplicationEvent> {
  return {
    streamType: 'membership-application',
    initialState: () => ({ status: 'none', strayOrderIds: [], strayPaymentOrderIds: [] }),

    decide(command, state) {
      const at = command.metadata.now;
      switch (command.type) {
        case 'Apply': {
          if (state.status !== 'none') throw new DomainError('APPLICATION_ALREADY_STARTED', '该申请已存在');
          const applicationId = command.metadata.ids?.[0];
          if (!applicationId) throw new DomainError('ID_REQUIRED', '缺少申请编号');
          validateApply(command.data);
          // Provisional term as shown on 申请信息 (confirming today); fixed on confirmation, the start on payment.
          const { termStart, termEnd } = paidTermFor(policy, shanghaiDate(at), command.data.years, command.data.currentTerm, command.data.quote.lateJoinCutoff);
          return [ev<ApplicationStarted>('ApplicationStarted', { ...command.data, applicationId, termStart, termEnd, startedAt: at })];
        }
        case 'Confirm': {
          requireStarted(state);
          if (state.status === 'cancelled') throw new DomainError('APPLICATION_CANCELLED', '申请已取消');
          if (state.status !== 'draft') throw new DomainError('APPLICATION_ALREADY_CONFIRMED', '申请信息已确认，请勿重复提交');
          validateConfirm(command.data);
          const app = state.application!;
          const term = paidTermFor(policy, shanghaiDate(at), app.years, app.currentTerm, app.quote.lateJoinCutoff);
          return [ev<ApplicationSubmitted>('ApplicationSubmitted', { ...command.data, submittedAt: at, ...term })];
        }
        case 'Requote': {
          const app = requireStarted(state);
          // Only before confirmation: from then on billing's order is what the application follows.
          if (state.status !== 'draft') throw new DomainError('APPLICATION_NOT_REQUOTABLE', '申请信息已确认，会费不能再调整', { status: state.status });
          const q = command.data.quote;
          fen(q?.feePerYearFen, 'quote.feePerYearFen');
          fen(q?.amountDueFen, 'quote.amountDueFen');
          nonBlank(q?.scheduleVersion, 'quote.scheduleVersion', 40);
          const same = q.feePerYearFen === app.quote.feePerYearFen && q.amountDueFen === app.quote.amountDueFen && q.scheduleVersion === app.quote.scheduleVersion && (q.lateJoinCutoff ?? null) === (app.quote.lateJoinCutoff ?? null) &&
            (q.placeholder === true) === (app.quote.placeholder === true);
          if (same) return [];
          const { termStart, termEnd } = paidTermFor(policy, shanghaiDate(at), app.years, app.currentTerm, q.lateJoinCutoff);
          return [ev<ApplicationRequoted>('ApplicationRequoted', { quote: { ...q }, previous: app.quote, reason: 'schedule_changed', requotedAt: at, termStart, termEnd })];
        }
        case 'RecordPaymentOrder': {
          const app = requireStarted(state);
          const d = command.data;
          if (state.order?.orderId === d.orderId || state.strayOrderIds.includes(d.orderId)) return []; // redelivery
          if (state.status === 'cancelled') return [ev<PaymentOrderIssuedForCancelledApplication>('PaymentOrderIssuedForCancelledApplication', { ...d, recordedAt: at })];
          if (state.status === 'draft') throw new DomainError('APPLICATION_NOT_SUBMITTED', '申请尚未提交，不能生成缴费单');
          if (state.status !== 'submitted') throw new DomainError('PAYMENT_ORDER_ALREADY_RECORDED', '该申请已有缴费单', { orderId: state.order?.orderId });
          nonBlank(d.orderId, 'orderId', 100);
          fen(d.amountDueFen, 'amountDueFen');
          const recorded = ev<PaymentOrderRecorded>('PaymentOrderRecorded', { ...d, recordedAt: at });
          if (d.amountDueFen === app.quote.amountDueFen) return [recorded];
          // Billing priced the order from the schedule in force on the submission date and its charge is what must be
          // paid: the application follows it (and says so) rather than being left without an order.
          const quote: FeeQuote = {
            feePerYearFen: d.billed.feePerYearFen,
            amountDueFen: d.amountDueFen,
            scheduleVersion: d.billed.scheduleVersion,
            ...(app.quote.lateJoinCutoff !== undefined ? { lateJoinCutoff: app.quote.lateJoinCutoff } : {}),
          };
          return [ev<ApplicationRequoted>('ApplicationRequoted', { quote, previous: app.quote, reason: 'payment_order', requotedAt: at }), recorded];
        }
        case 'MarkPaid': {
          requireStarted(state);
          const d = command.data;
          assertCalendarDate(d.paidOn, 'paidOn');
          if (state.status === 'cancelled') {
            if (state.strayPaymentOrderIds.includes(d.orderId)) return [];
            return [ev<PaymentReceivedForCancelledApplication>('PaymentReceivedForCancelledApplication', { ...d, recordedAt: at })];
          }
          if (!state.order) throw new DomainError('PAYMENT_ORDER_NOT_RECORDED', '尚无缴费单，无法确认缴费');
          if (state.order.orderId !== d.orderId) throw new DomainError('WRONG_PAYMENT_ORDER', '缴费单与申请不符', { expected: state.order.orderId, actual: d.orderId });
          if (state.status === 'paid') return []; // redelivery of the same PaymentOrderPaid
          return [ev<ApplicationPaid>('ApplicationPaid', { ...d, recordedAt: at })];
        }
        case 'ChangeMailingAddress': {
          requireStarted(state);
          if (state.status === 'cancelled') throw new DomainError('APPLICATION_CANCELLED', '申请已取消，不能修改寄送地址');
          if (state.status === 'draft' || !state.submission) throw new DomainError('APPLICATION_NOT_SUBMITTED', '申请尚未确认，请在确认申请信息时填写寄送地址');
          const d = command.data;
          validateConfirm({ ...state.submission, mailingAddress: d.mailingAddress });
          // Saving the same address again (a double click, a retried request) is no change and sends no notice.
          if (sameAddress(state.submission.mailingAddress, d.mailingAddress)) return [];
          return [
            ev<MailingAddressChanged>('MailingAddressChanged', {
              mailingAddress: d.mailingAddress,
              changedByStaff: d.changedByStaff === true,
              previousMailingAddress: state.submission.mailingAddress,
              changedBy: command.metadata.actor,
              changedAt: at,
            }),
          ];
        }
        case 'Cancel': {
          requireStarted(state);
          if (state.status === 'paid') throw new DomainError('APPLICATION_ALREADY_PAID', '申请已缴费，不能取消');
          if (state.status === 'cancelled') throw new DomainError('APPLICATION_ALREADY_CANCELLED', '申请已取消');
          const reason = nonBlank(command.data.reason, 'reason', 500);
          return [ev<ApplicationCancelled>('ApplicationCancelled', { reason, cancelledBy: command.metadata.actor, cancelledAt: at })];
        }
      }
    },

    evolve(state, event) {
      switch (event.type) {
        case 'ApplicationStarted':
          return { ...state, status: 'draft', application: event.data };
        case 'ApplicationSubmitted': {
          const { termStart, termEnd } = event.data;
          const application = termStart && termEnd && state.application ? { ...state.application, termStart, termEnd } : state.application;
          return { ...state, status: 'submitted', submission: event.data, application };
        }
        case 'ApplicationRequoted': {
          if (!state.application) return state;
          const { quote, termStart, termEnd } = event.data;
          return { ...state, application: { ...state.application, quote, ...(termStart && termEnd ? { termStart, termEnd } : {}) } };
        }
        case 'PaymentOrderRecorded':
          return { ...state, status: 'awaiting_payment', order: event.data };
        case 'ApplicationPaid':
          return { ...state, status: 'paid', paidOn: event.data.paidOn };
        case 'ApplicationCancelled':
          return { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt, cancelReason: event.data.reason };
        case 'PaymentOrderIssuedForCancelledApplication':
          return { ...state, strayOrderIds: [...state.strayOrderIds, event.data.orderId] };
        case 'PaymentReceivedForCancelledApplication':
          return { ...state, strayPaymentOrderIds: [...state.strayPaymentOrderIds, event.data.orderId] };
        case 'MailingAddressChanged':
          return state.submission ? { ...state, submission: { ...state.submission, mailingAddress: event.data.mailingAddress } } : state;
      }
    },
  };
}

export const applicationDecider = makeApplicationDecider();
