import { DomainError } from '@lsc/event-sourcing';
import type { TransferSnapshot } from './transfer';
import { decideSetAside, type SetAsideCommand } from './transfer-set-aside';

const metadata = { now: '2026-09-03T02:00:00.000Z', actor: 'finance-1', correlationId: 'c1' };
const transfer = (status: TransferSnapshot['status']): TransferSnapshot => ({ transferId: 't1', amountFen: 35000, status, candidates: [] });
const cmd = (type: SetAsideCommand['type'], reason: string): SetAsideCommand => ({ type, data: { reason }, metadata });
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'none';
};

describe('decideSetAside (非会费款项)', () => {
  it.each(['unmatched', 'rejected', 'suggested'] as const)('sets an open (%s) credit aside with the reason, actor and previous status', (status) => {
    expect(decideSetAside(cmd('SetAsideAsNonDues', ' 图书款 '), transfer(status))).toEqual([
      { type: 'TransferSetAside', schemaVersion: 1, data: { transferId: 't1', reason: '图书款', previousStatus: status, actor: 'finance-1', at: metadata.now } },
    ]);
  });
  it('refuses a matched credit, one already set aside, and an empty or over-long reason', () => {
    expect(code(() => decideSetAside(cmd('SetAsideAsNonDues', '图书款'), transfer('matched')))).toBe('TRANSFER_ALREADY_MATCHED');
    expect(code(() => decideSetAside(cmd('SetAsideAsNonDues', '图书款'), transfer('set_aside')))).toBe('TRANSFER_ALREADY_SET_ASIDE');
    expect(code(() => decideSetAside(cmd('SetAsideAsNonDues', '  '), transfer('unmatched')))).toBe('INVALID_REASON');
    expect(code(() => decideSetAside(cmd('SetAsideAsNonDues', 'x'.repeat(501)), transfer('unmatched')))).toBe('INVALID_REASON');
  });
  it('undoes only a set-aside credit, with a reason', () => {
    expect(decideSetAside(cmd('UndoSetAside', '核实后为会费'), transfer('set_aside'))[0]).toMatchObject({ type: 'TransferSetAsideUndone', data: { reason: '核实后为会费', actor: 'finance-1' } });
    expect(code(() => decideSetAside(cmd('UndoSetAside', '核实'), transfer('unmatched')))).toBe('TRANSFER_NOT_SET_ASIDE');
    expect(code(() => decideSetAside(cmd('UndoSetAside', ''), transfer('set_aside')))).toBe('INVALID_REASON');
  });
});
