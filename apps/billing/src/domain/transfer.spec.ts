import { DomainError } from '@lsc/event-sourcing';
import { decideTransfer, type TransferCommand, type TransferSnapshot } from './transfer';

const metadata = { now: '2026-09-03T02:00:00.000Z', actor: 'finance-1', correlationId: 'c1' };
const suggested: TransferSnapshot = {
  transferId: 't1',
  amountFen: 1800000,
  status: 'suggested',
  candidates: [
    { orderId: 'o1', score: 0.8, reasons: ['金额一致'] },
    { orderId: 'o2', score: 0.75, reasons: ['户名相似 90%'] },
  ],
};
const cmd = (c: Omit<TransferCommand, 'metadata'>): TransferCommand => ({ ...c, metadata }) as TransferCommand;
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'none';
};

describe('decideTransfer', () => {
  it('confirms a suggested order with the whole amount, recording the actor', () => {
    const [e] = decideTransfer(cmd({ type: 'ConfirmSuggestion', data: { orderId: 'o2', matchId: 'm1' } }), suggested);
    expect(e).toMatchObject({ type: 'TransferMatched', data: { allocations: [{ orderId: 'o2', amountFen: 1800000 }], mode: 'manual', actor: 'finance-1', confidence: 0.75 } });
  });
  it('refuses to confirm an order that was not suggested, or a transfer already matched', () => {
    expect(code(() => decideTransfer(cmd({ type: 'ConfirmSuggestion', data: { orderId: 'o9', matchId: 'm' } }), suggested))).toBe('NOT_A_SUGGESTED_ORDER');
    expect(code(() => decideTransfer(cmd({ type: 'ConfirmSuggestion', data: { orderId: 'o1', matchId: 'm' } }), { ...suggested, status: 'matched' }))).toBe('TRANSFER_ALREADY_MATCHED');
  });
  it('rejects with a reason only', () => {
    expect(code(() => decideTransfer(cmd({ type: 'RejectSuggestion', data: { reason: '  ' } }), suggested))).toBe('INVALID_REASON');
    const [e] = decideTransfer(cmd({ type: 'RejectSuggestion', data: { reason: '非会费款项' } }), suggested);
    expect(e).toMatchObject({ type: 'SuggestionRejected', data: { reason: '非会费款项', rejectedOrderIds: ['o1', 'o2'] } });
  });
  it('splits one transfer over several orders only when the parts add up', () => {
    const unmatched = { ...suggested, status: 'unmatched' as const, candidates: [] };
    expect(code(() => decideTransfer(cmd({ type: 'MatchManually', data: { matchId: 'm', allocations: [{ orderId: 'a', amountFen: 1000000 }, { orderId: 'b', amountFen: 700000 }] } }), unmatched))).toBe('ALLOCATION_TOTAL_MISMATCH');
    expect(code(() => decideTransfer(cmd({ type: 'MatchManually', data: { matchId: 'm', allocations: [{ orderId: 'a', amountFen: 900000 }, { orderId: 'a', amountFen: 900000 }] } }), unmatched))).toBe('DUPLICATE_ALLOCATION');
    const [e] = decideTransfer(cmd({ type: 'MatchManually', data: { matchId: 'm', allocations: [{ orderId: 'a', amountFen: 1000000 }, { orderId: 'b', amountFen: 800000 }] } }), unmatched);
    expect(e.data).toMatchObject({ mode: 'manual', allocations: [{ orderId: 'a', amountFen: 1000000 }, { orderId: 'b', amountFen: 800000 }] });
  });
});
