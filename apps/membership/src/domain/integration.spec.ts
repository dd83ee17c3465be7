import { ContractViolation, membershipContracts, renewalContracts, validateAs } from '@lsc/contracts';
import type { Command, CommandMetadata, Decider, DomainEvent } from '@lsc/event-sourcing';
import { applicationDecider, type ApplicationCommand, type ApplicationEvent, type ApplicationState } from './application';
import { membershipDecider, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership';
import { toIntegrationEvents, type IntegrationMessage } from './integration';

const APP = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const INST = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const MEM = '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04';
const ORD = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05';
const meta = (now: string, ids?: string[]): CommandMetadata => ({ now, actor: 'user:1', correlationId: 'c', ...(ids ? { ids } : {}) });
const address = {
  recipient: '张三',
  mobile: '13800138000',
  landline: '010-8080775',
  region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' },
  street: '南京路1号',
  postcode: '710061',
};

/** Runs commands through a decider, returning every (state after, event) pair. */
function run<C extends Command, S, E extends DomainEvent>(decider: Decider<C, S, E>, commands: C[]): { state: S; event: E }[] {
  let state = decider.initialState();
  const out: { state: S; event: E }[] = [];
  for (const c of commands) {
    for (const event of decider.decide(c, state)) {
      state = decider.evolve(state, event);
      out.push({ state, event });
    }
  }
  return out;
}

const applicationFlow = (cancel: boolean): { state: ApplicationState; event: ApplicationEvent }[] =>
  run(applicationDecider, [
    {
      type: 'Apply',
      data: {
        institutionId: INST,
        institutionName: '企业机构测试',
        kind: 'renewal',
        membershipId: MEM,
        currentTerm: { validTo: '2026-12-31', expired: false },
        qualification: { code: 'enterprise', name: '企业会员' },
        staffTier: { code: '1-30', name: '1-30人' },
        years: 3,
        organisationType: '企业单位',
        quote: { feePerYearFen: 600000, amountDueFen: 1800000, scheduleVersion: '2026-01' },
      },
      metadata: meta('2026-09-01T01:05:00.000Z', [APP]),
    },
    { type: 'Confirm', data: { mailingAddress: address, invoiceTitle: '企业机构测试', creditCode: '91350100M000100Y43' }, metadata: meta('2026-09-01T01:06:00.000Z') },
    ...(cancel
      ? [{ type: 'Cancel', data: { reason: '机构取消申请' }, metadata: meta('2026-09-02T01:00:00.000Z') } as ApplicationCommand]
      : [
          {
            type: 'RecordPaymentOrder',
            data: {
              orderId: ORD,
              amountDueFen: 1800000,
              payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' },
              transferRemark: '企业机构测试+会费',
              paymentCode: '7K3M9Q',
              billed: { feePerYearFen: 600000, scheduleVersion: '2026-01' },
            },
            metadata: meta('2026-09-01T01:06:01.000Z'),
          } as ApplicationCommand,
          {
            type: 'ChangeMailingAddress',
            data: { mailingAddress: { ...address, recipient: '李四', street: '北京路8号' }, changedByStaff: false },
            metadata: meta('2026-09-02T01:00:00.000Z'),
          } as ApplicationCommand,
          { type: 'MarkPaid', data: { orderId: ORD, paidOn: '2026-09-03' }, metadata: meta('2026-09-03T02:00:00.000Z') } as ApplicationCommand,
        ]),
  ]);

const reversalFlow = (): { state: MembershipState; event: MembershipEvent }[] => {
  const activate = (paidOn: string): MembershipCommand => ({
    type: 'Activate',
    data: { institutionId: INST, applicationId: APP, orderId: ORD, kind: 'new', qualification: { code: 'enterprise', name: '企业会员' }, paidOn, years: 3, memberSequence: 1, mailingAddress: address },
    metadata: meta(`${paidOn}T02:00:00.000Z`, [MEM]),
  });
  const reverse = (orderStatus: 'paid' | 'unpaid', transferId: string): MembershipCommand => ({
    type: 'RecordPaymentReversal',
    data: { orderId: ORD, transferId, amountFen: 1800000, orderStatus, reason: '匹配错误：该笔到账属于同名的另一单位', reversedBy: 'finance-1', reversedAt: '2026-09-20T02:00:00.000Z' },
    metadata: meta('2026-09-20T02:00:00.000Z'),
  });
  return run(membershipDecider, [activate('2026-09-03'), reverse('paid', '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a06'), reverse('unpaid', '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07'), activate('2026-09-25')]);
};

const membershipFlow = (): { state: MembershipState; event: MembershipEvent }[] => {
  const tick = (now: string): MembershipCommand => ({ type: 'Tick', data: {}, metadata: meta(now) });
  return run(membershipDecider, [
    { type: 'Register', data: { institutionId: INST, applicationId: APP }, metadata: meta('2026-09-01T01:06:00.000Z', [MEM]) },
    {
      type: 'Activate',
      data: { institutionId: INST, applicationId: APP, orderId: ORD, kind: 'new', qualification: { code: 'enterprise', name: '企业会员' }, paidOn: '2026-09-03', years: 3, memberSequence: 1, mailingAddress: address },
      metadata: meta('2026-09-03T02:00:00.000Z'),
    },
    { type: 'RecordCertificateMailed', data: { carrier: '中国邮政EMS', trackingNumber: '1234567890123' }, metadata: meta('2026-09-10T02:00:00.000Z') },
    tick('2028-12-01T00:00:00.000Z'),
    tick('2028-12-24T00:00:00.000Z'),
    tick('2029-01-01T00:00:00.000Z'),
    { type: 'StaffOverrideStatus', data: { status: 'active', reason: '已承诺续费' }, metadata: meta('2029-01-02T00:00:00.000Z') },
    tick('2029-06-01T00:00:00.000Z'),
  ]);
};

const validate = (messages: IntegrationMessage[]) => messages.forEach((m) => expect(() => validateAs(m.contract.payload, m.data, m.contract.name)).not.toThrow());

describe('domain → integration events', () => {
  it('an application publishes ApplicationSubmitted that satisfies its contract', () => {
    const produced = applicationFlow(false).flatMap(({ state, event }) => toIntegrationEvents(state, event));
    expect(produced.map((m) => m.contract.name)).toEqual(['membership.ApplicationSubmitted.v1', 'membership.MailingAddressChanged.v1']);
    validate(produced);
    expect(produced[1].data).toMatchObject({ applicationId: APP, institutionId: INST, kind: 'renewal', mailingAddress: { recipient: '李四' }, previousMailingAddress: { recipient: '张三' }, changedByStaff: false });
    expect(produced[0].data).toMatchObject({ applicationId: APP, membershipId: MEM, termStart: '2027-01-01', termEnd: '2029-12-31', kind: 'renewal' });
  });

  it('a cancelled application publishes ApplicationCancelled that satisfies its contract', () => {
    const produced = applicationFlow(true).flatMap(({ state, event }) => toIntegrationEvents(state, event));
    expect(produced.map((m) => m.contract.name)).toEqual(['membership.ApplicationSubmitted.v1', 'membership.ApplicationCancelled.v1']);
    validate(produced);
  });

  it('a membership lifecycle publishes activation, certificate, reminders, grace and expiry — all valid', () => {
    const produced = membershipFlow().flatMap(({ state, event }) => toIntegrationEvents(state, event));
    expect(produced.map((m) => m.contract.name)).toEqual([
      'membership.MembershipActivated.v1',
      'membership.CertificateMailed.v1',
      'membership.MembershipExpiring.v2',
      'membership.MembershipExpiring.v2',
      'membership.MembershipEnteredGrace.v1',
      'membership.MembershipEnteredGrace.v1',
      'membership.MembershipExpired.v1',
    ]);
    validate(produced);
    expect(produced.map((m) => (m.data as { daysBefore?: number }).daysBefore).filter((d) => d !== undefined)).toEqual([30, 7]);
  });

  it('a reversed payment suspends (MembershipPaymentReversed) and paying again restores (MembershipPaymentRestored) — all valid', () => {
    const produced = reversalFlow().flatMap(({ state, event }) => toIntegrationEvents(state, event));
    // The first reversal leaves the order paid by another transfer: recorded on the stream, nothing published.
    expect(produced.map((m) => m.contract.name)).toEqual(['membership.MembershipActivated.v1', 'membership.MembershipPaymentReversed.v2', 'membership.MembershipPaymentRestored.v1']);
    validate(produced);
    expect(produced[2].data).toMatchObject({ orderId: ORD, status: 'active', paidOn: '2026-09-25' });
  });

  it('every membership contract is produced by the mappers', () => {
    const names = new Set([...applicationFlow(false), ...applicationFlow(true)].flatMap(({ state, event }) => toIntegrationEvents(state, event)).map((m) => m.contract.name));
    [...membershipFlow(), ...reversalFlow()].flatMap(({ state, event }) => toIntegrationEvents(state, event)).forEach((m) => names.add(m.contract.name));
    // v1 of MembershipExpiring and MembershipPaymentReversed stay registered for messages already on the topic; v2 replaced them.
    const superseded = new Set(['membership.MembershipExpiring.v1', 'membership.MembershipPaymentReversed.v1']);
    expect([...names].sort()).toEqual([...membershipContracts, ...renewalContracts].map((c) => c.name).filter((n) => !superseded.has(n)).sort());
  });

  it('the contract check can fail: a non-UUID id is a violation', () => {
    const [m] = applicationFlow(true)
      .map(({ state, event }) => toIntegrationEvents({ ...state, application: { ...state.application!, applicationId: 'app-1' } }, event))
      .filter((ms) => ms.length > 0)[0];
    expect(() => validateAs(m.contract.payload, m.data)).toThrow(ContractViolation);
  });

  it('refuses to map without the stream state it needs', () => {
    const [, submitted] = applicationFlow(false);
    expect(() => toIntegrationEvents(applicationDecider.initialState(), submitted.event)).toThrow(expect.objectContaining({ code: 'STREAM_STATE_INCOMPLETE' }));
    const mailed = membershipFlow().find((x) => x.event.type === 'CertificateMailed')!;
    expect(() => toIntegrationEvents(membershipDecider.initialState(), mailed.event)).toThrow(expect.objectContaining({ code: 'STREAM_STATE_INCOMPLETE' }));
  });
});
