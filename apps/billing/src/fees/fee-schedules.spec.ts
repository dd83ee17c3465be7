import { FeeChanged, FeeScheduleVersionPublished, parseIntegrationEvent } from '@lsc/contracts';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { feeScheduleDecider, type FeeScheduleCommand, type FeeScheduleEvent, type FeeScheduleState } from '../domain';
import { feeScheduleIntegrationEvents } from './fee-schedules';

const meta = (now: string): CommandMetadata => ({ now, actor: 'finance:li', correlationId: 'c' });
const entry = (qualificationCode: string, qualificationName: string, feePerYearFen: number) => ({ qualificationCode, qualificationName, tierCode: '1-30', tierName: '1-30人', feePerYearFen });

/** Runs commands through the decider and maps each step's events with the state after them, as CommandHandler does. */
function publishedFor(commands: FeeScheduleCommand[]): ReturnType<typeof feeScheduleIntegrationEvents> {
  let state: FeeScheduleState = feeScheduleDecider.initialState();
  return commands.flatMap((command) => {
    const events: FeeScheduleEvent[] = feeScheduleDecider.decide(command, state);
    state = events.reduce(feeScheduleDecider.evolve, state);
    return feeScheduleIntegrationEvents(state, events, 'billing.events.v1');
  });
}

describe('fee schedule integration events', () => {
  const messages = publishedFor([
    { type: 'PublishScheduleVersion', data: { versionId: '2027-01', effectiveFrom: '2027-01-01', entries: [entry('enterprise', '企业会员', 600000), entry('unit', '单位会员', 100000)] }, metadata: meta('2026-10-01T02:00:00.000Z') },
    { type: 'ChangeFee', data: { versionId: '2027-01', qualificationCode: 'enterprise', tierCode: '1-30', feePerYearFen: 550000, reason: '理事会决议' }, metadata: meta('2026-11-01T02:00:00.000Z') },
  ]);

  it('a fee correction is published as FeeChanged with the corrected entry, next to the version announcement', () => {
    expect(messages.map((m) => m.event.type)).toEqual([FeeScheduleVersionPublished.type, FeeChanged.type]);
    expect(messages[1].event.data).toEqual({
      versionId: '2027-01',
      effectiveFrom: '2027-01-01',
      entry: entry('enterprise', '企业会员', 550000),
      previousFeePerYearFen: 600000,
      reason: '理事会决议',
      changedBy: 'finance:li',
      changedAt: '2026-11-01T02:00:00.000Z',
    });
  });

  it('a version is announced as v2, with each entry marked placeholder or not and the version\'s term policy', () => {
    const [announced] = publishedFor([
      {
        type: 'PublishScheduleVersion',
        data: { versionId: '2027-01', effectiveFrom: '2027-01-01', entries: [entry('enterprise', '企业会员', 600000), { ...entry('council', '理事单位', 1000000), placeholder: true }] },
        metadata: meta('2026-10-01T02:00:00.000Z'),
      },
    ]);
    expect(announced.event).toMatchObject({ type: 'billing.FeeScheduleVersionPublished', schemaVersion: 2 });
    expect(announced.event.data).toMatchObject({
      entries: [{ qualificationCode: 'enterprise', placeholder: false }, { qualificationCode: 'council', placeholder: true }],
      termPolicy: { lateJoinCutoff: '12-01' },
    });
  });

  it('every message satisfies its contract', () => {
    for (const m of messages) {
      const raw = JSON.stringify({ eventId: '7c1d2e3f-7777-4a55-9f77-2d1c1f7f0a09', streamId: 'fee-schedule', occurredAt: '2026-11-01T02:00:00.000Z', correlationId: 'c', ...m.event });
      expect(parseIntegrationEvent(raw).data).toEqual(m.event.data);
    }
  });
});
