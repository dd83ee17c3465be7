import { FeeScheduleVersionPublishedV2Contract, type FeeScheduleVersionPublishedV2 } from '@lsc/contracts';
import { eventually } from '@lsc/testing';
import type { Harness } from './harness';

/** The schedule the membership tests apply against: 单位会员 1-30人 ¥1,000/year, no late-join cut-off unless asked. */
export const TEST_FEE_SCHEDULE: FeeScheduleVersionPublishedV2 = {
  versionId: '2026-01',
  effectiveFrom: '2026-01-01',
  entries: [
    { qualificationCode: 'institution', qualificationName: '单位会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 100000, placeholder: false },
    { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 600000, placeholder: false },
    { qualificationCode: 'council', qualificationName: '理事单位（特级会员）', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 2000000, placeholder: true },
  ],
  termPolicy: { lateJoinCutoff: null },
  publishedBy: 'finance-1',
  publishedAt: '2025-12-01T02:00:00.000Z',
};

/** Billing announces a schedule version on Kafka; resolves once membership's read model holds it. */
export async function publishFeeSchedule(h: Harness, version: Partial<FeeScheduleVersionPublishedV2> = {}): Promise<FeeScheduleVersionPublishedV2> {
  const data = { ...TEST_FEE_SCHEDULE, ...version };
  // A topic created moments ago may not be known to every broker listener yet: retry like a producer would.
  await eventually(
    () =>
      h.publish(FeeScheduleVersionPublishedV2Contract, data, { key: 'fee-schedule' }).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 60_000, what: 'the fee schedule announced' },
  );
  await eventually(async () => (await h.db.pool.query('select 1 from ms_fee_schedule_versions where version_id = $1', [data.versionId])).rowCount === 1, {
    timeoutMs: 90_000,
    what: `fee schedule ${data.versionId} in membership's read model`,
  });
  return data;
}
