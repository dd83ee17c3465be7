import { specFor } from '@lsc/event-sourcing/testing';
import type { CommandMetadata } from '@lsc/event-sourcing';
import {
  applicationDecider,
  makeApplicationDecider,
  type ApplicationCommand,
  type ApplicationEvent,
  type ApplyData,
  type ConfirmData,
  type RecordPaymentOrderData,
} from './application';

const APP_ID = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const INST_ID = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const MEMBERSHIP_ID = '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04';
const ORDER_ID = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05';
const OTHER_ORDER_ID = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a99';

const meta = (now: string, ids?: string[]): CommandMetadata => ({ now, actor: 'user:1', correlationId: 'c-1', ...(ids ? { ids } : {}) });
const T0 = '2026-09-01T01:05:00.000Z';
const T1 = '2026-09-01T01:10:00.000Z';
const T2 = '2026-09-03T02:00:00.000Z';

const applyData: ApplyData = {
  institutionId: INST_ID,
  institutionName: '企业机构测试',
  kind: 'new',
  qualification: { code: 'enterprise', name: '企业会员' },
  staffTier: { code: '1-30', name: '1-30人' },
  years: 3,
  organisationType: '企业单位',
  quote: { feePerYearFen: 600000, amountDueFen: 1800000, scheduleVersion: '2026-01' },
};
const confirmData: ConfirmData = {
  mailingAddress: {
    recipient: '张三',
    mobile: '13800138000',
    landline: '010-8080775',
    region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' },
    street: '南京路1号',
    postcode: '710061',
  },
  invoiceTitle: '企业机构测试',
  creditCode: '91350100M000100Y43',
};
const orderData: RecordPaymentOrderData = {
  orderId: ORDER_ID,
  amountDueFen: 1800000,
  payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' },
  transferRemark: '企业机构测试+会费',
  paymentCode: '7K3M9Q',
  billed: { feePerYearFen: 600000, scheduleVersion: '2026-01' },
};

const apply = (data: Partial<ApplyData> = {}, now = T0): ApplicationCommand => ({ type: 'Apply', data: { ...applyData, ...data }, metadata: meta(now, [APP_ID]) });
const confirm = (data: Partial<ConfirmData> = {}): ApplicationCommand => ({ type: 'Confirm', data: { ...confirmData, ...data }, metadata: meta(T1) });
const recordOrder = (data: Partial<RecordPaymentOrderData> = {}): ApplicationCommand => ({ type: 'RecordPaymentOrder', data: { ...orderData, ...data }, metadata: meta(T1) });
const markPaid = (orderId = ORDER_ID, paidOn = '2026-09-03'): ApplicationCommand => ({ type: 'MarkPaid', data: { orderId, paidOn }, metadata: meta(T2) });
const cancel = (reason = '机构取消申请'): ApplicationCommand => ({ type: 'Cancel', data: { reason }, metadata: meta(T1) });

const started: ApplicationEvent = {
  type: 'ApplicationStarted',
  schemaVersion: 1,
  data: { ...applyData, applicationId: APP_ID, termStart: '2026-09-01', termEnd: '2028-12-31', startedAt: T0 },
};
const submitted: ApplicationEvent = {
  type: 'ApplicationSubmitted',
  schemaVersion: 1,
  data: { ...confirmData, submittedAt: T1, termStart: '2026-09-01', termEnd: '2028-12-31', startsNextYear: false },
};
const orderRecorded: ApplicationEvent = { type: 'PaymentOrderRecorded', schemaVersion: 1, data: { ...orderData, recordedAt: T1 } };
const paid: ApplicationEvent = { type: 'ApplicationPaid', schemaVersion: 1, data: { orderId: ORDER_ID, paidOn: '2026-09-03', recordedAt: T2 } };
const cancelled: ApplicationEvent = { type: 'ApplicationCancelled', schemaVersion: 1, data: { reason: '机构取消申请', cancelledBy: 'user:1', cancelledAt: T1 } };

const spec = specFor(applicationDecider);

describe('application decider', () => {
  describe('Apply (会员申请)', () => {
    it('starts a draft with the provisional term: 3 years from 2026-09-01 end 2028-12-31', () => {
      spec.given([]).when(apply()).then([started]);
    });

    it('a 1-year application in 2023 runs to 2023-12-31 (guide step 7)', () => {
      const [e] = spec.given([]).when(apply({ years: 1 }, '2023-03-01T02:00:00Z')).events();
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2023-03-01', '2023-12-31']);
    });

    it('uses the Shanghai date: 16:00Z on 31 Dec is already next year', () => {
      const [e] = spec.given([]).when(apply({ years: 1 }, '2026-12-31T16:00:00Z')).events();
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2027-01-01', '2027-12-31']);
    });

    it('a renewal continues the day after the current end', () => {
      const [e] = spec
        .given([])
        .when(apply({ kind: 'renewal', membershipId: MEMBERSHIP_ID, currentTerm: { validTo: '2026-12-31', expired: false }, years: 2 }))
        .events();
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2027-01-01', '2028-12-31']);
    });

    it('a renewal of an expired membership starts today', () => {
      const [e] = spec
        .given([])
        .when(apply({ kind: 'renewal', membershipId: MEMBERSHIP_ID, currentTerm: { validTo: '2025-12-31', expired: true }, years: 1 }))
        .events();
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2026-09-01', '2026-12-31']);
    });

    it('an anniversary policy ends the day before the anniversary', () => {
      const [e] = specFor(makeApplicationDecider({ termEnd: 'anniversary', graceDays: 90, reminderDaysBefore: [30, 7] }))
        .given([])
        .when(apply({ years: 1 }, '2028-02-29T02:00:00Z'))
        .events();
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2028-02-29', '2029-02-27']);
    });

    it('rejects a second Apply on the same stream', () => spec.given([started]).when(apply()).thenThrows('APPLICATION_ALREADY_STARTED'));
    it('rejects without an application id', () =>
      spec.given([]).when({ type: 'Apply', data: applyData, metadata: meta(T0) }).thenThrows('ID_REQUIRED'));
    it.each([0, 6, 2.5, -1])('rejects %p years', (years) => spec.given([]).when(apply({ years })).thenThrows('YEARS_OUT_OF_RANGE'));
    it('accepts 5 years', () => expect(spec.given([]).when(apply({ years: 5 })).events()).toHaveLength(1));
    it('rejects an unknown organisation type', () =>
      spec.given([]).when(apply({ organisationType: '公司' as ApplyData['organisationType'] })).thenThrows('INVALID_ORGANISATION_TYPE'));
    it('rejects a renewal without membership', () => spec.given([]).when(apply({ kind: 'renewal' })).thenThrows('RENEWAL_REQUIRES_MEMBERSHIP'));
    it('rejects a new application naming a membership', () =>
      spec.given([]).when(apply({ membershipId: MEMBERSHIP_ID })).thenThrows('NEW_APPLICATION_WITH_MEMBERSHIP'));
    it('rejects an unknown kind', () => spec.given([]).when(apply({ kind: 'gift' as ApplyData['kind'] })).thenThrows('INVALID_KIND'));
    it('rejects a fractional fee', () =>
      spec.given([]).when(apply({ quote: { feePerYearFen: 600000.5, amountDueFen: 1800000, scheduleVersion: '2026-01' } })).thenThrows('INVALID_AMOUNT'));
    it('rejects a blank institution name', () => spec.given([]).when(apply({ institutionName: '  ' })).thenThrows('INVALID_FIELD'));
    it('rejects an invalid current end date', () =>
      spec
        .given([])
        .when(apply({ kind: 'renewal', membershipId: MEMBERSHIP_ID, currentTerm: { validTo: '2026-02-30', expired: false } }))
        .thenThrows('INVALID_DATE'));
  });

  describe('Confirm (确认申请信息 + 寄送地址)', () => {
    it('submits a draft', () => spec.given([started]).when(confirm()).then([submitted]));
    it('keeps the credit-code warning for staff', () =>
      spec
        .given([started])
        .when(confirm({ creditCodeWarning: '信用代码类别与机构性质不符' }))
        .then([{ ...submitted, data: { ...submitted.data, creditCodeWarning: '信用代码类别与机构性质不符' } } as ApplicationEvent]));
    it('rejects confirming twice', () => spec.given([started, submitted]).when(confirm()).thenThrows('APPLICATION_ALREADY_CONFIRMED'));
    it('rejects confirming after the order was recorded', () =>
      spec.given([started, submitted, orderRecorded]).when(confirm()).thenThrows('APPLICATION_ALREADY_CONFIRMED'));
    it('rejects confirming a cancelled application', () => spec.given([started, cancelled]).when(confirm()).thenThrows('APPLICATION_CANCELLED'));
    it('rejects confirming an unknown application', () => spec.given([]).when(confirm()).thenThrows('APPLICATION_NOT_FOUND'));
    it('rejects a missing recipient', () =>
      spec
        .given([started])
        .when(confirm({ mailingAddress: { ...confirmData.mailingAddress, recipient: '' } }))
        .thenThrows('INVALID_FIELD'));
    it('rejects a blank invoice title', () => spec.given([started]).when(confirm({ invoiceTitle: ' ' })).thenThrows('INVALID_FIELD'));
  });

  describe('RecordPaymentOrder (billing.PaymentOrderIssued)', () => {
    it('moves a submitted application to awaiting payment', () => spec.given([started, submitted]).when(recordOrder()).then([orderRecorded]));
    it('is idempotent for the same order', () => spec.given([started, submitted, orderRecorded]).when(recordOrder()).then([]));
    it('rejects a second, different order', () =>
      spec.given([started, submitted, orderRecorded]).when(recordOrder({ orderId: OTHER_ORDER_ID })).thenThrows('PAYMENT_ORDER_ALREADY_RECORDED'));
    it('rejects an order for a draft', () => spec.given([started]).when(recordOrder()).thenThrows('APPLICATION_NOT_SUBMITTED'));
    it('an order billed at another amount is recorded and requotes the application (it never stays without its order)', () =>
      spec
        .given([started, submitted])
        .when(recordOrder({ amountDueFen: 1950000, billed: { feePerYearFen: 650000, scheduleVersion: '2027-01' } }))
        .then([
          {
            type: 'ApplicationRequoted',
            schemaVersion: 1,
            data: { quote: { feePerYearFen: 650000, amountDueFen: 1950000, scheduleVersion: '2027-01' }, previous: applyData.quote, reason: 'payment_order', requotedAt: T1 },
          },
          { type: 'PaymentOrderRecorded', schemaVersion: 1, data: { ...orderData, amountDueFen: 1950000, billed: { feePerYearFen: 650000, scheduleVersion: '2027-01' }, recordedAt: T1 } },
        ]));
    it("today's stuck application (client quote 叁元整, billed 180 元) gets its order and shows billing's amount", () => {
      const forged: ApplicationEvent = { ...started, data: { ...(started.data as object), quote: { feePerYearFen: 100, amountDueFen: 300, scheduleVersion: '2026-01' } } } as ApplicationEvent;
      const events = spec.given([forged, submitted]).when(recordOrder({ amountDueFen: 18000, billed: { feePerYearFen: 6000, scheduleVersion: '2026-01' } })).events();
      const state = [forged, submitted, ...events].reduce(applicationDecider.evolve, applicationDecider.initialState());
      expect(state.status).toBe('awaiting_payment');
      expect(state.application!.quote).toEqual({ feePerYearFen: 6000, amountDueFen: 18000, scheduleVersion: '2026-01' });
      expect(state.order!.amountDueFen).toBe(18000);
    });
    it('rejects an unknown application', () => spec.given([]).when(recordOrder()).thenThrows('APPLICATION_NOT_FOUND'));
    it('records an order issued for a cancelled application for staff follow-up, once', () => {
      const stray: ApplicationEvent = { type: 'PaymentOrderIssuedForCancelledApplication', schemaVersion: 1, data: { ...orderData, recordedAt: T1 } };
      spec.given([started, submitted, cancelled]).when(recordOrder()).then([stray]);
      spec.given([started, submitted, cancelled, stray]).when(recordOrder()).then([]);
    });
    it('ignores the redelivered order of an application cancelled while awaiting payment', () =>
      spec.given([started, submitted, orderRecorded, cancelled]).when(recordOrder()).then([]));
  });

  describe('Requote (the schedule changed before confirmation)', () => {
    const requote = (quote: ApplyData['quote']): ApplicationCommand => ({ type: 'Requote', data: { quote }, metadata: meta(T1) });
    const newQuote = { feePerYearFen: 650000, amountDueFen: 1950000, scheduleVersion: '2027-01', lateJoinCutoff: '12-01' };
    it('requotes a draft', () =>
      spec
        .given([started])
        .when(requote(newQuote))
        .then([
          {
            type: 'ApplicationRequoted',
            schemaVersion: 1,
            data: { quote: newQuote, previous: applyData.quote, reason: 'schedule_changed', requotedAt: T1, termStart: '2026-09-01', termEnd: '2028-12-31' },
          },
        ]));
    it('the same quote changes nothing', () => spec.given([started]).when(requote(applyData.quote)).then([]));
    it('a confirmed application is not requoted (billing prices it from then on)', () => spec.given([started, submitted]).when(requote(newQuote)).thenThrows('APPLICATION_NOT_REQUOTABLE'));
  });

  describe('term policy: December joiners (late-join cut-off, Asia/Shanghai)', () => {
    const withCutoff = { ...applyData, years: 1, quote: { ...applyData.quote, amountDueFen: 600000, lateJoinCutoff: '12-01' } };
    const startedOn = (instant: string, data: ApplyData = withCutoff): ApplicationEvent[] => spec.given([]).when({ type: 'Apply', data, metadata: meta(instant, [APP_ID]) }).events();
    const confirmedOn = (applyAt: string, confirmAt: string, data: ApplyData = withCutoff) => {
      const [e] = spec
        .given(startedOn(applyAt, data))
        .when({ type: 'Confirm', data: confirmData, metadata: meta(confirmAt) })
        .events();
      return e.type === 'ApplicationSubmitted' ? [e.data.termStart, e.data.termEnd, e.data.startsNextYear] : e;
    };
    it('confirmed on 30 November 23:59 Shanghai (15:59 UTC): pays the current year from payment', () =>
      expect(confirmedOn('2026-11-30T10:00:00Z', '2026-11-30T15:59:59Z')).toEqual(['2026-11-30', '2026-12-31', false]));
    it('confirmed on 1 December 00:00 Shanghai (30 November 16:00 UTC): the paid term is the next calendar year', () =>
      expect(confirmedOn('2026-11-30T10:00:00Z', '2026-11-30T16:00:00Z')).toEqual(['2027-01-01', '2027-12-31', true]));
    it('confirmed on 31 December for 3 years: 2027-01-01 to 2029-12-31', () =>
      expect(confirmedOn('2026-12-31T01:00:00Z', '2026-12-31T15:59:59Z', { ...withCutoff, years: 3 })).toEqual(['2027-01-01', '2029-12-31', true]));
    it('confirmed on 1 January Shanghai (31 December 16:00 UTC): the new year is paid from payment', () =>
      expect(confirmedOn('2026-12-31T10:00:00Z', '2026-12-31T16:00:00Z')).toEqual(['2027-01-01', '2027-12-31', false]));
    it('started in November, confirmed in December: the confirmation date decides', () =>
      expect(confirmedOn('2026-11-20T02:00:00Z', '2026-12-02T02:00:00Z')).toEqual(['2027-01-01', '2027-12-31', true]));
    it('a schedule without cut-off keeps the old behaviour', () =>
      expect(confirmedOn('2026-12-10T02:00:00Z', '2026-12-10T02:00:00Z', { ...withCutoff, quote: { ...withCutoff.quote, lateJoinCutoff: null } })).toEqual(['2026-12-10', '2026-12-31', false]));
    it('a renewal of a running membership continues its term whatever the date', () =>
      expect(
        confirmedOn('2026-12-10T02:00:00Z', '2026-12-10T02:00:00Z', { ...withCutoff, kind: 'renewal', membershipId: MEMBERSHIP_ID, currentTerm: { validTo: '2026-12-31', expired: false } }),
      ).toEqual(['2027-01-01', '2027-12-31', false]));
    it('the draft already shows the deferred term when started after the cut-off', () => {
      const [e] = startedOn('2026-12-05T02:00:00Z');
      expect(e.type === 'ApplicationStarted' && [e.data.termStart, e.data.termEnd]).toEqual(['2027-01-01', '2027-12-31']);
    });
  });

  describe('MarkPaid (billing.PaymentOrderPaid)', () => {
    it('marks an awaiting application paid', () => spec.given([started, submitted, orderRecorded]).when(markPaid()).then([paid]));
    it('is idempotent for the same order', () => spec.given([started, submitted, orderRecorded, paid]).when(markPaid()).then([]));
    it('rejects a wrong order id', () => spec.given([started, submitted, orderRecorded]).when(markPaid(OTHER_ORDER_ID)).thenThrows('WRONG_PAYMENT_ORDER'));
    it('rejects a wrong order id after payment too', () =>
      spec.given([started, submitted, orderRecorded, paid]).when(markPaid(OTHER_ORDER_ID)).thenThrows('WRONG_PAYMENT_ORDER'));
    it('rejects payment before the order is known', () => spec.given([started, submitted]).when(markPaid()).thenThrows('PAYMENT_ORDER_NOT_RECORDED'));
    it('rejects an invalid paidOn', () => spec.given([started, submitted, orderRecorded]).when(markPaid(ORDER_ID, '2026-9-3')).thenThrows('INVALID_DATE'));
    it('rejects an unknown application', () => spec.given([]).when(markPaid()).thenThrows('APPLICATION_NOT_FOUND'));
    it('records money for a cancelled application for staff follow-up, once', () => {
      const stray: ApplicationEvent = { type: 'PaymentReceivedForCancelledApplication', schemaVersion: 1, data: { orderId: ORDER_ID, paidOn: '2026-09-03', recordedAt: T2 } };
      spec.given([started, submitted, orderRecorded, cancelled]).when(markPaid()).then([stray]);
      spec.given([started, submitted, orderRecorded, cancelled, stray]).when(markPaid()).then([]);
    });
  });

  describe('Cancel', () => {
    it.each([
      ['draft', [started]],
      ['submitted', [started, submitted]],
      ['awaiting_payment', [started, submitted, orderRecorded]],
    ])('cancels while %s', (_s, given) => spec.given(given).when(cancel()).then([cancelled]));
    it('rejects after payment', () => spec.given([started, submitted, orderRecorded, paid]).when(cancel()).thenThrows('APPLICATION_ALREADY_PAID'));
    it('rejects cancelling twice', () => spec.given([started, cancelled]).when(cancel()).thenThrows('APPLICATION_ALREADY_CANCELLED'));
    it('requires a reason', () => spec.given([started]).when(cancel('')).thenThrows('INVALID_FIELD'));
    it('rejects an unknown application', () => spec.given([]).when(cancel()).thenThrows('APPLICATION_NOT_FOUND'));
  });

  describe('ChangeMailingAddress (修改寄送地址 after confirmation)', () => {
    const newAddress = { ...confirmData.mailingAddress, recipient: '李四', street: '北京路8号', landline: undefined };
    const change = (changedByStaff = false): ApplicationCommand => ({ type: 'ChangeMailingAddress', data: { mailingAddress: newAddress, changedByStaff }, metadata: meta(T2) });
    const changed = (changedByStaff = false): ApplicationEvent => ({
      type: 'MailingAddressChanged',
      schemaVersion: 1,
      data: { mailingAddress: newAddress, changedByStaff, previousMailingAddress: confirmData.mailingAddress, changedBy: 'user:1', changedAt: T2 },
    });
    it.each([
      ['submitted', [started, submitted]],
      ['awaiting_payment', [started, submitted, orderRecorded]],
      ['paid (certificate not shipped: the membership checks that)', [started, submitted, orderRecorded, paid]],
    ])('records the change while %s', (_s, given) => spec.given(given).when(change()).then([changed()]));
    it('records that staff made it', () => spec.given([started, submitted]).when(change(true)).then([changed(true)]));
    it('the confirmed address becomes the new one', () =>
      expect([started, submitted, changed()].reduce(applicationDecider.evolve, applicationDecider.initialState()).submission?.mailingAddress).toEqual(newAddress));
    it('saving the same address again is no change', () => spec.given([started, submitted, changed()]).when(change()).then([]));
    it('refuses before confirmation', () => spec.given([started]).when(change()).thenThrows('APPLICATION_NOT_SUBMITTED'));
    it('refuses a cancelled application', () => spec.given([started, submitted, cancelled]).when(change()).thenThrows('APPLICATION_CANCELLED'));
    it('refuses a blank recipient', () =>
      spec.given([started, submitted]).when({ type: 'ChangeMailingAddress', data: { mailingAddress: { ...newAddress, recipient: ' ' }, changedByStaff: false }, metadata: meta(T2) }).thenThrows('INVALID_FIELD'));
  });

  it('folds to the expected statuses', () => {
    const fold = (events: ApplicationEvent[]) => events.reduce(applicationDecider.evolve, applicationDecider.initialState()).status;
    expect(fold([])).toBe('none');
    expect(fold([started])).toBe('draft');
    expect(fold([started, submitted])).toBe('submitted');
    expect(fold([started, submitted, orderRecorded])).toBe('awaiting_payment');
    expect(fold([started, submitted, orderRecorded, paid])).toBe('paid');
    expect(fold([started, cancelled])).toBe('cancelled');
  });
});
