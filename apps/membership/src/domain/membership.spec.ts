import { specFor } from '@lsc/event-sourcing/testing';
import type { CommandMetadata } from '@lsc/event-sourcing';
import type { MailingAddress } from './application';
import {
  coverageOn,
  currentTermForRenewal,
  formatMemberNumber,
  makeMembershipDecider,
  membershipDecider,
  type ActivateData,
  type MembershipActivated,
  type MembershipCommand,
  type MembershipEvent,
  type OverridableStatus,
  type PendingRenewal,
} from './membership';

const M_ID = '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04';
const INST = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const APP1 = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const APP2 = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0b03';
const ORD1 = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05';
const ORD2 = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0b05';
const address: MailingAddress = {
  recipient: '张三',
  mobile: '13800138000',
  region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' },
  street: '南京路1号',
  postcode: '710061',
};
const qualification = { code: 'enterprise', name: '企业会员' };

/** Noon in Shanghai on a calendar date. */
const on = (date: string) => `${date}T04:00:00.000Z`;
const meta = (now: string, ids?: string[]): CommandMetadata => ({ now, actor: 'staff:wang', correlationId: 'c', ...(ids ? { ids } : {}) });

const activateData = (over: Partial<ActivateData> = {}): ActivateData => ({
  institutionId: INST,
  applicationId: APP1,
  orderId: ORD1,
  kind: 'new',
  qualification,
  paidOn: '2026-09-03',
  years: 3,
  memberSequence: 123,
  mailingAddress: address,
  ...over,
});
const activate = (over: Partial<ActivateData> = {}, ids: string[] | undefined = [M_ID]): MembershipCommand => ({
  type: 'Activate',
  data: activateData(over),
  metadata: meta(on(over.paidOn ?? '2026-09-03'), ids),
});
const tick = (date: string, time = '04:00:00.000Z'): MembershipCommand => ({ type: 'Tick', data: {}, metadata: meta(`${date}T${time}`) });
const override = (status: OverridableStatus, reason = '理事会决议'): MembershipCommand => ({ type: 'StaffOverrideStatus', data: { status, reason }, metadata: meta(on('2027-01-10')) });
const mail = (carrier = '中国邮政EMS', trackingNumber = '1234567890123'): MembershipCommand => ({
  type: 'RecordCertificateMailed',
  data: { carrier, trackingNumber },
  metadata: meta(on('2026-09-10')),
});

const activated = (over: Partial<MembershipActivated['data']> = {}): MembershipEvent => ({
  type: 'MembershipActivated',
  schemaVersion: 1,
  data: {
    membershipId: M_ID,
    institutionId: INST,
    applicationId: APP1,
    orderId: ORD1,
    kind: 'new',
    qualification,
    memberNumber: 'LSC-U-2026-000123',
    memberSince: '2026-09-03',
    paidOn: '2026-09-03',
    years: 3,
    validFrom: '2026-09-03',
    validTo: '2028-12-31',
    mailingAddress: address,
    activatedAt: on('2026-09-03'),
    ...over,
  },
});
const registered: MembershipEvent = {
  type: 'MembershipRegistered',
  schemaVersion: 1,
  data: { institutionId: INST, applicationId: APP1, membershipId: M_ID, registeredAt: on('2026-09-01') },
};
const life = (validTo: string, at: string) => ({ membershipId: M_ID, institutionId: INST, memberNumber: 'LSC-U-2026-000123', validTo, at });
/** daysLeft: the real number of Shanghai calendar days left, as the reminder must print it (given events may omit it). */
const expiring = (days: number, at: string, validTo = '2028-12-31', daysLeft?: number, pendingRenewal?: PendingRenewal): MembershipEvent => ({
  type: 'MembershipExpiring',
  schemaVersion: 1,
  data: { ...life(validTo, at), daysBefore: days, ...(daysLeft !== undefined ? { daysLeft } : {}), ...(pendingRenewal ? { pendingRenewal } : {}) },
});
const grace = (at: string, validTo = '2028-12-31', graceEndsOn = '2029-03-31'): MembershipEvent => ({ type: 'MembershipEnteredGrace', schemaVersion: 1, data: { ...life(validTo, at), graceEndsOn } });
const expired = (at: string, validTo = '2028-12-31'): MembershipEvent => ({ type: 'MembershipExpired', schemaVersion: 1, data: life(validTo, at) });
const mailed: MembershipEvent = {
  type: 'CertificateMailed',
  schemaVersion: 1,
  data: { carrier: '中国邮政EMS', trackingNumber: '1234567890123', applicationId: APP1, mailingAddress: address, mailedAt: on('2026-09-10'), recordedBy: 'staff:wang' },
};

const spec = specFor(membershipDecider);
const renewal = (over: Partial<ActivateData>): MembershipCommand => activate({ kind: 'renewal', applicationId: APP2, orderId: ORD2, memberSequence: 999, ...over }, []);
const renewedTerm = (given: MembershipEvent[], over: Partial<ActivateData>) => {
  const [e] = spec.given(given).when(renewal(over)).events();
  if (e.type !== 'MembershipActivated') throw new Error('expected MembershipActivated');
  return e.data;
};

describe('membership decider', () => {
  describe('Register', () => {
    it('opens a pending membership', () =>
      spec.given([]).when({ type: 'Register', data: { institutionId: INST, applicationId: APP1 }, metadata: meta(on('2026-09-01'), [M_ID]) }).then([registered]));
    it('rejects registering twice', () =>
      spec.given([registered]).when({ type: 'Register', data: { institutionId: INST, applicationId: APP1 }, metadata: meta(on('2026-09-01'), [M_ID]) }).thenThrows('MEMBERSHIP_ALREADY_EXISTS'));
    it('needs an id', () =>
      spec.given([]).when({ type: 'Register', data: { institutionId: INST, applicationId: APP1 }, metadata: meta(on('2026-09-01')) }).thenThrows('ID_REQUIRED'));
    it('needs an institution', () =>
      spec.given([]).when({ type: 'Register', data: { institutionId: '', applicationId: APP1 }, metadata: meta(on('2026-09-01'), [M_ID]) }).thenThrows('INVALID_FIELD'));
  });

  describe('Activate — first activation', () => {
    it('3 years paid 2026-09-03 run to 2028-12-31 and get a member number', () => spec.given([]).when(activate()).then([activated()]));
    it('activates a pending membership', () => spec.given([registered]).when(activate({}, [])).then([activated()]));
    it('1 year paid in 2023 runs to 2023-12-31 (guide)', () => {
      const [e] = spec.given([]).when(activate({ paidOn: '2023-05-10', years: 1 })).events();
      expect(e.type === 'MembershipActivated' && [e.data.validFrom, e.data.validTo, e.data.memberNumber]).toEqual(['2023-05-10', '2023-12-31', 'LSC-U-2023-000123']);
    });
    it('paid on 31 December: a 1-year term is that single day', () => {
      const [e] = spec.given([]).when(activate({ paidOn: '2026-12-31', years: 1 })).events();
      expect(e.type === 'MembershipActivated' && [e.data.validFrom, e.data.validTo]).toEqual(['2026-12-31', '2026-12-31']);
    });
    it('paid on 29 February 2028 with the anniversary policy ends 2029-02-27', () => {
      const [e] = specFor(makeMembershipDecider({ termEnd: 'anniversary', graceDays: 90, reminderDaysBefore: [30, 7] }))
        .given([])
        .when(activate({ paidOn: '2028-02-29', years: 1 }))
        .events();
      expect(e.type === 'MembershipActivated' && [e.data.validFrom, e.data.validTo]).toEqual(['2028-02-29', '2029-02-27']);
    });
    it('is idempotent for a redelivered payment (same application)', () => spec.given([activated()]).when(activate({ orderId: ORD2 })).then([]));
    it('is idempotent for a redelivered payment (same order)', () => spec.given([activated()]).when(activate({ applicationId: APP2 })).then([]));
    it('rejects a second new membership', () => spec.given([activated()]).when(activate({ applicationId: APP2, orderId: ORD2 })).thenThrows('ALREADY_MEMBER'));
    it('rejects a renewal without membership', () => spec.given([]).when(activate({ kind: 'renewal' })).thenThrows('RENEWAL_WITHOUT_MEMBERSHIP'));
    it('rejects activation of a cancelled membership', () =>
      spec.given([registered, { type: 'MembershipCancelled', schemaVersion: 1, data: { reason: 'x', actor: 'a', at: 'z' } }]).when(activate()).thenThrows('MEMBERSHIP_CANCELLED'));
    it('needs an id for a new stream', () => spec.given([]).when(activate({}, [])).thenThrows('ID_REQUIRED'));
    it.each([0, 1_000_000, 1.5])('rejects member sequence %p', (memberSequence) => spec.given([]).when(activate({ memberSequence })).thenThrows('INVALID_MEMBER_SEQUENCE'));
    it.each([0, 6])('rejects %p years', (years) => spec.given([]).when(activate({ years })).thenThrows('YEARS_OUT_OF_RANGE'));
    it('rejects an invalid paidOn', () => spec.given([]).when(activate({ paidOn: '2027-02-29' })).thenThrows('INVALID_DATE'));
    it('rejects an unknown kind', () => spec.given([]).when(activate({ kind: 'gift' as ActivateData['kind'] })).thenThrows('INVALID_KIND'));
    it('rejects a missing qualification name', () => spec.given([]).when(activate({ qualification: { code: 'x', name: '' } })).thenThrows('INVALID_FIELD'));
  });

  describe('Activate — December joiner (paid term deferred to 1 January)', () => {
    const term = (over: Partial<ActivateData>) => {
      const [e] = spec.given([]).when(activate(over)).events();
      return e.type === 'MembershipActivated' ? [e.data.paidOn, e.data.validFrom, e.data.validTo] : e;
    };
    it('paid on 10 December: active from payment, paid through the next calendar year', () =>
      expect(term({ paidOn: '2026-12-10', years: 1, paidTermStart: '2027-01-01' })).toEqual(['2026-12-10', '2026-12-10', '2027-12-31']));
    it('3 years paid on 31 December run to 2029-12-31', () => expect(term({ paidOn: '2026-12-31', years: 3, paidTermStart: '2027-01-01' })).toEqual(['2026-12-31', '2026-12-31', '2029-12-31']));
    it('paid on 5 January (after the paid term began): covered from 1 January', () =>
      expect(term({ paidOn: '2027-01-05', years: 1, paidTermStart: '2027-01-01' })).toEqual(['2027-01-05', '2027-01-01', '2027-12-31']));
    it('without a deferred start a December payment covers the current year only (the old behaviour)', () =>
      expect(term({ paidOn: '2026-12-10', years: 1 })).toEqual(['2026-12-10', '2026-12-10', '2026-12-31']));
  });

  describe('Activate — renewal (会员续费)', () => {
    it('keeps member number and memberSince; continues the day after the current end', () => {
      const d = renewedTerm([activated()], { paidOn: '2028-11-20', years: 2 });
      expect([d.memberNumber, d.memberSince, d.validFrom, d.validTo, d.kind]).toEqual(['LSC-U-2026-000123', '2026-09-03', '2029-01-01', '2030-12-31', 'renewal']);
    });
    it('renewal paid on the last day of the term continues without a gap', () => {
      const d = renewedTerm([activated()], { paidOn: '2028-12-31', years: 1 });
      expect([d.validFrom, d.validTo]).toEqual(['2029-01-01', '2029-12-31']);
    });
    it('renewal during grace is back-dated to the day after the end', () => {
      const d = renewedTerm([activated(), grace(on('2029-01-01'))], { paidOn: '2029-03-31', years: 1 });
      expect([d.validFrom, d.validTo]).toEqual(['2029-01-01', '2029-12-31']);
    });
    it('renewal after expiry starts on the payment day', () => {
      const d = renewedTerm([activated(), grace(on('2029-01-01')), expired(on('2029-04-01'))], { paidOn: '2029-06-15', years: 1 });
      expect([d.validFrom, d.validTo, d.memberSince]).toEqual(['2029-06-15', '2029-12-31', '2026-09-03']);
    });
    it('treats a term past the grace period as expired even if no Tick ran', () => {
      const d = renewedTerm([activated()], { paidOn: '2029-04-01', years: 1 });
      expect(d.validFrom).toBe('2029-04-01');
    });
    it('on the last grace day (2029-03-31) the renewal is still continuous', () => {
      const d = renewedTerm([activated()], { paidOn: '2029-03-31', years: 1 });
      expect(d.validFrom).toBe('2029-01-01');
    });
    it('anniversary policy renewal continues from the day after the end', () => {
      const dec = makeMembershipDecider({ termEnd: 'anniversary', graceDays: 90, reminderDaysBefore: [30, 7] });
      const [e] = specFor(dec)
        .given([activated({ validFrom: '2028-02-29', validTo: '2029-02-27' })])
        .when(renewal({ paidOn: '2029-02-01', years: 1 }))
        .events();
      expect(e.type === 'MembershipActivated' && [e.data.validFrom, e.data.validTo]).toEqual(['2029-02-28', '2030-02-27']);
    });
    it('a second PaymentOrderPaid for the renewal activates once', () => {
      const first = spec.given([activated()]).when(renewal({ paidOn: '2028-11-20', years: 1 })).events();
      spec.given([activated(), ...first]).when(renewal({ paidOn: '2028-11-20', years: 1 })).then([]);
    });
    it('reopens the certificate and resets reminders', () => {
      const first = spec.given([activated(), expiring(30, on('2028-12-01')), mailed]).when(renewal({ paidOn: '2028-12-05', years: 1 })).events();
      const [again] = spec.given([activated(), expiring(30, on('2028-12-01')), mailed, ...first]).when(mail()).events();
      expect(again.type === 'CertificateMailed' && again.data.applicationId).toBe(APP2);
      const s = [activated(), expiring(30, on('2028-12-01')), mailed, ...first].reduce(membershipDecider.evolve, membershipDecider.initialState());
      expect(s.certificateDue?.applicationId).toBe(APP2);
      expect(s.remindersSent).toEqual([]);
    });
  });

  describe('Tick', () => {
    it('does nothing long before the end', () => spec.given([activated()]).when(tick('2028-11-30')).then([]));
    it('sends the 30-day reminder on 2028-12-01 (30 days before 2028-12-31)', () =>
      spec.given([activated()]).when(tick('2028-12-01')).then([expiring(30, on('2028-12-01'), '2028-12-31', 30)]));
    it('sends the 30-day reminder once', () => spec.given([activated(), expiring(30, 'x')]).when(tick('2028-12-02')).then([]));
    it('sends the 7-day reminder on 2028-12-24', () => spec.given([activated(), expiring(30, 'x')]).when(tick('2028-12-24')).then([expiring(7, on('2028-12-24'), '2028-12-31', 7)]));
    it('sends the 7-day reminder once', () => spec.given([activated(), expiring(30, 'x'), expiring(7, 'y')]).when(tick('2028-12-31')).then([]));
    it('a late first tick sends only the most urgent reminder, with the real days left', () =>
      spec.given([activated()]).when(tick('2028-12-30')).then([expiring(7, on('2028-12-30'), '2028-12-31', 1)]));
    it('a reminder sent 23 days before the end says 23 days, not the 30-day threshold', () =>
      spec.given([activated()]).when(tick('2028-12-08')).then([expiring(30, on('2028-12-08'), '2028-12-31', 23)]));
    it('a renewal awaiting payment is named in the reminder, with its payment', () => {
      const pendingRenewal: PendingRenewal = { applicationId: APP2, status: 'awaiting_payment', amountDueFen: 600000 };
      spec
        .given([activated()])
        .when({ type: 'Tick', data: { pendingRenewal }, metadata: meta(on('2028-12-08')) })
        .then([expiring(30, on('2028-12-08'), '2028-12-31', 23, pendingRenewal)]);
    });
    it('a member whose renewal is paid gets no reminder for the term the renewal continues', () => {
      const renewed = activated({ kind: 'renewal', applicationId: APP2, orderId: ORD2, paidOn: '2028-11-20', validFrom: '2029-01-01', validTo: '2029-12-31' });
      spec.given([activated(), renewed]).when(tick('2028-12-08')).then([]);
      spec.given([activated(), renewed]).when(tick('2028-12-30')).then([]);
    });
    it('uses the Shanghai date of the tick instant (2028-11-30T16:00Z is 12-01)', () =>
      spec.given([activated()]).when(tick('2028-11-30', '16:00:00.000Z')).then([expiring(30, '2028-11-30T16:00:00.000Z', '2028-12-31', 30)]));
    it('on the last day the membership is still active', () => spec.given([activated(), expiring(30, 'x'), expiring(7, 'y')]).when(tick('2028-12-31', '15:59:59.000Z')).then([]));
    it('enters grace the day after the end', () =>
      spec.given([activated(), expiring(30, 'x'), expiring(7, 'y')]).when(tick('2028-12-31', '16:00:00.000Z')).then([grace('2028-12-31T16:00:00.000Z')]));
    it('stays in grace through the 90th day (2029-03-31)', () => spec.given([activated(), grace('x')]).when(tick('2029-03-31')).then([]));
    it('expires on the 91st day (2029-04-01)', () => spec.given([activated(), grace('x')]).when(tick('2029-04-01')).then([expired(on('2029-04-01'))]));
    it('a tick long after the end moves through grace to expired at once', () =>
      spec.given([activated()]).when(tick('2029-06-01')).then([grace(on('2029-06-01')), expired(on('2029-06-01'))]));
    it('grace length is configurable', () =>
      specFor(makeMembershipDecider({ termEnd: 'calendar_year_end', graceDays: 0, reminderDaysBefore: [] }))
        .given([activated()])
        .when(tick('2029-01-01'))
        .then([grace(on('2029-01-01'), '2028-12-31', '2028-12-31'), expired(on('2029-01-01'))]));
    it('leap-year grace: end 2027-12-31 + 90 days → grace ends 2028-03-30, expired 2028-03-31', () => {
      const given = [activated({ validTo: '2027-12-31' })];
      spec.given(given).when(tick('2028-01-01')).then([
        { type: 'MembershipEnteredGrace', schemaVersion: 1, data: { ...life('2027-12-31', on('2028-01-01')), graceEndsOn: '2028-03-30' } },
      ]);
      const inGrace = [...given, grace('x', '2027-12-31', '2028-03-30')];
      spec.given(inGrace).when(tick('2028-03-30')).then([]);
      spec.given(inGrace).when(tick('2028-03-31')).then([expired(on('2028-03-31'), '2027-12-31')]);
    });
    it.each([
      ['none', []],
      ['pending', [registered]],
      ['expired', [activated(), grace('x'), expired('y')]],
    ])('does nothing when %s', (_s, given) => spec.given(given as MembershipEvent[]).when(tick('2030-01-01')).then([]));
    it('a pending renewal does not stop the current term from running out', () =>
      spec.given([activated()]).when(tick('2029-01-01')).then([grace(on('2029-01-01'))]));
    it('after a renewal the reminders refer to the new term', () => {
      const renewed = activated({ kind: 'renewal', applicationId: APP2, orderId: ORD2, validFrom: '2029-01-01', validTo: '2029-12-31' });
      spec.given([activated(), expiring(30, 'x'), expiring(7, 'y'), renewed]).when(tick('2029-01-01')).then([]);
      spec.given([activated(), expiring(30, 'x'), expiring(7, 'y'), renewed]).when(tick('2029-12-01')).then([expiring(30, on('2029-12-01'), '2029-12-31', 30)]);
    });
  });

  describe('StaffOverrideStatus', () => {
    const overridden = (from: string, to: OverridableStatus): MembershipEvent =>
      ({ type: 'MembershipStatusOverridden', schemaVersion: 1, data: { from, to, reason: '理事会决议', actor: 'staff:wang', at: on('2027-01-10') } }) as MembershipEvent;
    it('audits who, why and from what', () => spec.given([activated()]).when(override('expired')).then([overridden('active', 'expired')]));
    it('can reinstate an expired membership', () => spec.given([activated(), grace('x'), expired('y')]).when(override('active')).then([overridden('expired', 'active')]));
    it('can cancel a pending membership', () => spec.given([registered]).when(override('cancelled')).then([overridden('pending_payment', 'cancelled')]));
    it('requires a reason', () => spec.given([activated()]).when(override('expired', '  ')).thenThrows('INVALID_FIELD'));
    it('rejects an unchanged status', () => spec.given([activated()]).when(override('active')).thenThrows('STATUS_UNCHANGED'));
    it('rejects an unknown status', () => spec.given([activated()]).when(override('pending_payment' as OverridableStatus)).thenThrows('INVALID_STATUS'));
    it('cannot activate a membership that was never paid', () => spec.given([registered]).when(override('active')).thenThrows('NO_TERM'));
    it('rejects an unknown membership', () => spec.given([]).when(override('active')).thenThrows('MEMBERSHIP_NOT_FOUND'));
    it('the overridden status sticks', () => {
      const s = [activated(), overridden('active', 'expired')].reduce(membershipDecider.evolve, membershipDecider.initialState());
      expect(s.status).toBe('expired');
    });
  });

  describe('RecordCertificateMailed', () => {
    it('records the mailing to the application address', () => spec.given([activated()]).when(mail()).then([mailed]));
    it('rejects a second mailing for the same term', () => spec.given([activated(), mailed]).when(mail()).thenThrows('NO_CERTIFICATE_DUE'));
    it('rejects while not active', () => spec.given([activated(), grace('x')]).when(mail()).thenThrows('MEMBERSHIP_NOT_ACTIVE'));
    it('rejects while pending', () => spec.given([registered]).when(mail()).thenThrows('MEMBERSHIP_NOT_ACTIVE'));
    it('rejects an unknown membership', () => spec.given([]).when(mail()).thenThrows('MEMBERSHIP_NOT_FOUND'));
    it('rejects a too-short tracking number', () => spec.given([activated()]).when(mail('EMS', '12')).thenThrows('INVALID_FIELD'));
    it('rejects a blank carrier', () => spec.given([activated()]).when(mail(' ')).thenThrows('INVALID_FIELD'));
  });

  describe('Cancel', () => {
    const cancel: MembershipCommand = { type: 'Cancel', data: { reason: '申请已取消' }, metadata: meta(on('2026-09-02')) };
    it('cancels a pending membership', () =>
      spec.given([registered]).when(cancel).then([{ type: 'MembershipCancelled', schemaVersion: 1, data: { reason: '申请已取消', actor: 'staff:wang', at: on('2026-09-02') } }]));
    it('rejects cancelling an active membership', () => spec.given([activated()]).when(cancel).thenThrows('MEMBERSHIP_NOT_PENDING'));
    it('rejects an unknown membership', () => spec.given([]).when(cancel).thenThrows('MEMBERSHIP_NOT_FOUND'));
    it('requires a reason', () => spec.given([registered]).when({ ...cancel, data: { reason: '' } }).thenThrows('INVALID_FIELD'));
  });

  describe('RecordPaymentReversal (billing.PaymentReversed)', () => {
    const TRANSFER = '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07';
    const reversal = (orderStatus: 'unpaid' | 'partially_paid' | 'paid' | 'overpaid', orderId = ORD1): MembershipCommand => ({
      type: 'RecordPaymentReversal',
      data: { orderId, transferId: TRANSFER, amountFen: 1800000, orderStatus, reason: '匹配错误', reversedBy: 'finance-1', reversedAt: on('2026-09-20') },
      metadata: meta(on('2026-09-20')),
    });
    const renewedEvent = activated({ kind: 'renewal', applicationId: APP2, orderId: ORD2, paidOn: '2026-09-10', validFrom: '2029-01-01', validTo: '2029-12-31' });
    const termOf = (e: MembershipEvent) => {
      const d = (e as MembershipActivated).data;
      return { applicationId: d.applicationId, orderId: d.orderId, kind: d.kind, years: d.years, paidOn: d.paidOn, validFrom: d.validFrom, validTo: d.validTo, mailingAddress: d.mailingAddress };
    };
    const reversed = (orderStatus: 'unpaid' | 'partially_paid' | 'paid' | 'overpaid', statusAfter: string, orderId = ORD1): MembershipEvent =>
      ({
        type: 'MembershipPaymentReversed',
        schemaVersion: 1,
        data: {
          orderId, transferId: TRANSFER, amountFen: 1800000, orderStatus, reason: '匹配错误', reversedBy: 'finance-1', reversedAt: on('2026-09-20'),
          membershipId: M_ID, institutionId: INST, covered: orderStatus === 'paid' || orderStatus === 'overpaid', statusAfter, recordedAt: on('2026-09-20'),
          ...(orderStatus === 'paid' || orderStatus === 'overpaid' ? {} : { undone: 'membership', term: termOf(orderId === ORD1 ? activated() : renewedEvent) }),
        },
      }) as MembershipEvent;
    const restored = (statusAfter: string, at = on('2026-09-25'), orderId = ORD1): MembershipEvent =>
      ({ type: 'MembershipPaymentRestored', schemaVersion: 1, data: { membershipId: M_ID, orderId, paidOn: '2026-09-25', statusAfter, at } }) as MembershipEvent;
    const fold = (es: MembershipEvent[]) => es.reduce(membershipDecider.evolve, membershipDecider.initialState());

    it('suspends a term whose order is no longer paid', () => {
      spec.given([activated()]).when(reversal('unpaid')).then([reversed('unpaid', 'payment_reversed')]);
      spec.given([activated()]).when(reversal('partially_paid')).then([reversed('partially_paid', 'payment_reversed')]);
      expect(fold([activated(), reversed('unpaid', 'payment_reversed')])).toMatchObject({ status: 'payment_reversed', uncoveredOrderIds: [ORD1], statusBeforeReversal: 'active' });
    });
    it('records, without suspending, a reversal that leaves the order paid by another transfer', () => {
      spec.given([activated()]).when(reversal('paid')).then([reversed('paid', 'active')]);
      expect(fold([activated(), reversed('overpaid', 'active')]).status).toBe('active');
    });
    it('ignores an order that activated nothing, and a membership that does not exist', () => {
      spec.given([activated()]).when(reversal('unpaid', ORD2)).then([]);
      spec.given([registered]).when(reversal('unpaid')).then([]);
      spec.given([]).when(reversal('unpaid')).then([]);
    });
    it('a suspended membership gets no reminders, no lifecycle, no certificate and no renewal', () => {
      const suspended = [activated(), reversed('unpaid', 'payment_reversed')];
      spec.given(suspended).when(tick('2028-12-01')).then([]);
      spec.given(suspended).when(tick('2029-06-01')).then([]);
      spec.given(suspended).when(mail()).thenThrows('MEMBERSHIP_NOT_ACTIVE');
      expect(() => currentTermForRenewal(fold(suspended))).toThrow(expect.objectContaining({ code: 'RENEWAL_NOT_ALLOWED' }));
    });
    it('paying the reversed order again lifts the suspension, once; the term is not activated twice', () => {
      const suspended = [activated(), reversed('unpaid', 'payment_reversed')];
      const repaid = activate({ paidOn: '2026-09-25' }, []);
      spec.given(suspended).when(repaid).then([restored('active')]);
      spec.given([...suspended, restored('active')]).when(repaid).then([]);
      expect(fold([...suspended, restored('active')])).toMatchObject({ status: 'active', uncoveredOrderIds: [], validTo: '2028-12-31' });
    });
    it('returns to what the suspension interrupted (grace), and the lifecycle resumes from there', () => {
      const suspended = [activated(), grace('x'), reversed('unpaid', 'payment_reversed')];
      expect(fold(suspended).statusBeforeReversal).toBe('grace');
      spec.given(suspended).when(activate({ paidOn: '2026-09-25' }, [])).then([restored('grace')]);
      spec.given([...suspended, restored('grace')]).when(tick('2029-04-01')).then([expired(on('2029-04-01'))]);
    });
    it('stays suspended while another reversed order is still unpaid', () => {
      const both = [activated(), renewedEvent, reversed('unpaid', 'payment_reversed'), reversed('unpaid', 'payment_reversed', ORD2)];
      expect(fold(both)).toMatchObject({ status: 'payment_reversed', uncoveredOrderIds: [ORD1, ORD2], statusBeforeReversal: 'active' });
      spec.given(both).when(activate({ paidOn: '2026-09-25' }, [])).then([restored('payment_reversed')]);
      expect(fold([...both, restored('payment_reversed')])).toMatchObject({ status: 'payment_reversed', uncoveredOrderIds: [ORD2] });
    });
    it('a reversed renewal payment takes back only the renewed term: the member stays covered by the term paid before', () => {
      const given = [activated(), renewedEvent];
      const [e] = spec.given(given).when(reversal('unpaid', ORD2)).events();
      expect(e).toMatchObject({ type: 'MembershipPaymentReversed', data: { undone: 'renewal', term: termOf(renewedEvent), validToAfter: '2028-12-31', statusAfter: 'active', covered: false } });
      const after = fold([...given, e]);
      expect(after).toMatchObject({ status: 'active', validTo: '2028-12-31', uncoveredOrderIds: [ORD2], certificateDue: { applicationId: APP1 } });
      expect(after.terms.map((t) => t.orderId)).toEqual([ORD1]);
      // The reminders count down to the end that is still paid.
      spec.given([...given, e]).when(tick('2028-12-08')).then([expiring(30, on('2028-12-08'), '2028-12-31', 23)]);
      // Paid again: the renewed term is back, once.
      const [back] = spec.given([...given, e]).when(renewal({ paidOn: '2026-09-25' })).events();
      expect(back).toMatchObject({ type: 'MembershipPaymentRestored', data: { orderId: ORD2, statusAfter: 'active', term: termOf(renewedEvent) } });
      expect(fold([...given, e, back])).toMatchObject({ status: 'active', validTo: '2029-12-31', uncoveredOrderIds: [], reversedTerms: [] });
      spec.given([...given, e, back]).when(renewal({ paidOn: '2026-09-25' })).then([]);
    });
    it('a reversed renewal whose prior term has ended leaves the member in grace', () => {
      const given = [activated(), grace('x'), activated({ kind: 'renewal', applicationId: APP2, orderId: ORD2, paidOn: '2029-01-10', validFrom: '2029-01-01', validTo: '2029-12-31' })];
      const [e] = spec.given(given).when({ ...reversal('unpaid', ORD2), metadata: meta(on('2029-01-20')) }).events();
      expect(e).toMatchObject({ data: { undone: 'renewal', validToAfter: '2028-12-31', statusAfter: 'grace' } });
    });
    it('staff may lift a suspension themselves (audited override)', () => {
      const suspended = [activated(), reversed('unpaid', 'payment_reversed')];
      const [e] = spec.given(suspended).when(override('active')).events();
      expect(e).toMatchObject({ type: 'MembershipStatusOverridden', data: { from: 'payment_reversed', to: 'active' } });
      expect(fold([...suspended, e])).toMatchObject({ status: 'active', uncoveredOrderIds: [] });
    });
    it('requires a reason', () => spec.given([activated()]).when({ ...reversal('unpaid'), data: { ...(reversal('unpaid').data as object), reason: ' ' } } as MembershipCommand).thenThrows('INVALID_FIELD'));
  });

  describe('ChangeCertificateAddress (寄送地址 changed before shipping)', () => {
    const other: MailingAddress = { ...address, recipient: '李四', street: '北京路8号' };
    const change = (applicationId = APP1): MembershipCommand => ({ type: 'ChangeCertificateAddress', data: { applicationId, mailingAddress: other }, metadata: meta(on('2026-09-05')) });
    const fold = (es: MembershipEvent[]) => es.reduce(membershipDecider.evolve, membershipDecider.initialState());
    it('redirects the certificate still due', () => {
      const [e] = spec.given([activated()]).when(change()).events();
      expect(e).toEqual({ type: 'CertificateAddressChanged', schemaVersion: 1, data: { applicationId: APP1, mailingAddress: other, changedBy: 'staff:wang', changedAt: on('2026-09-05') } });
      expect(fold([activated(), e]).certificateDue).toEqual({ applicationId: APP1, mailingAddress: other });
      // The certificate then goes to the new address.
      spec.given([activated(), e]).when(mail()).then([{ ...mailed, data: { ...(mailed.data as object), mailingAddress: other } } as MembershipEvent]);
    });
    it('refuses once the certificate has been shipped, with a clear message', () => {
      expect(() => spec.given([activated(), mailed]).when(change()).events()).toThrow(expect.objectContaining({ code: 'CERTIFICATE_ALREADY_MAILED', message: expect.stringContaining('证书已寄出') }));
    });
    it('changes nothing for an application whose certificate is not due here', () => spec.given([activated()]).when(change(APP2)).then([]));
  });

  describe('coverageOn (what the member and staff see)', () => {
    const first = { applicationId: APP1, validFrom: '2026-03-15', validTo: '2028-12-31', years: 3, paidOn: '2026-03-15' };
    const renewalTerm = { applicationId: APP2, validFrom: '2029-01-01', validTo: '2030-12-31', years: 2, paidOn: '2026-06-01' };
    it('after a renewal is paid, the current term and the renewed term are shown apart; cover starts when the current term did', () =>
      expect(coverageOn([first, renewalTerm], '2026-12-07')).toEqual({
        currentTerm: { validFrom: '2026-03-15', validTo: '2028-12-31' },
        renewedTerm: { applicationId: APP2, validFrom: '2029-01-01', validTo: '2030-12-31', years: 2, paidOn: '2026-06-01' },
        validFrom: '2026-03-15',
        validTo: '2030-12-31',
      }));
    it('once the renewed term has started it is the current term', () =>
      expect(coverageOn([first, renewalTerm], '2029-01-01')).toEqual({ currentTerm: { validFrom: '2029-01-01', validTo: '2030-12-31' }, validFrom: '2029-01-01', validTo: '2030-12-31' }));
    it('no terms, no cover', () => expect(coverageOn([], '2026-12-07')).toEqual({}));
  });

  describe('helpers', () => {
    it('formats member numbers', () => expect(formatMemberNumber(2026, 123)).toBe('LSC-U-2026-000123'));
    it('currentTermForRenewal: allowed while active, in grace or expired', () => {
      const fold = (es: MembershipEvent[]) => es.reduce(membershipDecider.evolve, membershipDecider.initialState());
      expect(currentTermForRenewal(fold([activated()]))).toEqual({ validTo: '2028-12-31', expired: false });
      expect(currentTermForRenewal(fold([activated(), grace('x')]))).toEqual({ validTo: '2028-12-31', expired: false });
      expect(currentTermForRenewal(fold([activated(), grace('x'), expired('y')]))).toEqual({ validTo: '2028-12-31', expired: true });
      expect(() => currentTermForRenewal(fold([registered]))).toThrow(expect.objectContaining({ code: 'RENEWAL_NOT_ALLOWED' }));
      expect(() => currentTermForRenewal(fold([]))).toThrow(expect.objectContaining({ code: 'RENEWAL_NOT_ALLOWED' }));
    });
  });
});
