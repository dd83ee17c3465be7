import { describe, expect, it } from 'vitest';
import { draftFrom, publishRequest } from './fees';

const schedule = {
  inEffect: '2026-01',
  today: '2026-12-07',
  versions: [
    {
      versionId: '2026-01',
      effectiveFrom: '2026-01-01',
      termPolicy: { lateJoinCutoff: '12-01' },
      entries: [
        { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1–30人', feePerYearFen: 600000 },
        { qualificationCode: 'public', qualificationName: '公共图书馆', tierCode: 'any', tierName: '不限', feePerYearFen: 29, placeholder: true },
      ],
    },
  ],
};

describe('fee schedule publishing', () => {
  it('drafts the next version from the one in effect, fees as 元 text', () => {
    const d = draftFrom(schedule, '2026-12-07');
    expect(d).toMatchObject({ versionId: '2027-01', effectiveFrom: '2027-01-01', lateJoinCutoff: '12-01' });
    expect(d.entries.map((e) => e.feeText)).toEqual(['6000.00', '0.29']);
  });

  it('sends integer fen parsed from 元 text, keeps placeholders, and the cut-off', () => {
    const d = draftFrom(schedule, '2026-12-07');
    d.entries[0]!.feeText = '6,500.10';
    const r = publishRequest(d, '2026-12-07', ['2026-01']);
    expect(r).toEqual({
      body: {
        versionId: '2027-01',
        effectiveFrom: '2027-01-01',
        termPolicy: { lateJoinCutoff: '12-01' },
        entries: [
          { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1–30人', feePerYearFen: 650010 },
          { qualificationCode: 'public', qualificationName: '公共图书馆', tierCode: 'any', tierName: '不限', feePerYearFen: 29, placeholder: true },
        ],
      },
    });
  });

  it('names every problem in Chinese: existing version, past date, bad cut-off, a fee that is no amount', () => {
    const d = { ...draftFrom(schedule, '2026-12-07'), versionId: '2026-01', effectiveFrom: '2026-12-07', lateJoinCutoff: '02-30' };
    d.entries[0]!.feeText = '6000.001';
    const r = publishRequest(d, '2026-12-07', ['2026-01']);
    expect(r).toEqual({
      problems: ['版本号 2026-01 已存在', '生效日期须晚于今天（已生效的版本只能发布新版本替代）', '入会截止日格式须为 MM-DD，如 12-01', '企业会员（1–30人）：金额格式有误，请输入元，最多两位小数'],
    });
  });
});
