import { DomainError } from '@lsc/event-sourcing';
import { decideApproval, FOUR_EYES_NOTE, holdForApproval, holdLargeCredit, needsSecondApproval } from './four-eyes';
import { decideTransfer, type TransferSnapshot } from './transfer';

const meta = (actor: string) => ({ now: '2026-09-01T02:00:00.000Z', actor, correlationId: 'c-1' });
const transfer: TransferSnapshot = { transferId: 't-1', amountFen: 1_200_000, status: 'suggested', candidates: [{ orderId: 'o-1', score: 0.82, reasons: ['单位名称相似'] }] };
const confirm = (actor: string) => decideTransfer({ type: 'ConfirmSuggestion', data: { orderId: 'o-1', matchId: 'm-1' }, metadata: meta(actor) }, transfer);

describe('双人复核 (FOUR_EYES_FEN)', () => {
  it('applies only strictly above a configured limit', () => {
    expect(needsSecondApproval(1_000_001, 1_000_000)).toBe(true);
    expect(needsSecondApproval(1_000_000, 1_000_000)).toBe(false);
    expect(needsSecondApproval(99_999_999, undefined)).toBe(false);
  });

  it('unset or below the limit: a confirmation books at once, exactly as before', () => {
    expect(holdForApproval(confirm('fin-a'), transfer, undefined)).toEqual(confirm('fin-a'));
    expect(holdForApproval(confirm('fin-a'), transfer, 1_200_000)).toEqual(confirm('fin-a'));
    expect(holdForApproval(confirm('fin-a'), transfer, undefined).map((e) => e.type)).toEqual(['TransferMatched']);
  });

  it('above the limit: the confirmation becomes a proposal that pays nothing and remembers who proposed it', () => {
    const held = holdForApproval(confirm('fin-a'), transfer, 1_000_000);
    expect(held).toEqual([
      {
        type: 'TransferMatchProposed',
        schemaVersion: 1,
        data: {
          transferId: 't-1',
          fourEyesFen: 1_000_000,
          actor: 'fin-a',
          at: '2026-09-01T02:00:00.000Z',
          pending: { matchId: 'm-1', allocations: [{ orderId: 'o-1', amountFen: 1_200_000 }], confidence: 0.82, reasons: ['单位名称相似', '财务人工确认'], proposedBy: 'fin-a', proposedAt: '2026-09-01T02:00:00.000Z', previousStatus: 'suggested' },
        },
      },
    ]);
  });

  it('a second, different finance user approves (the match is booked) or sends it back; the proposer cannot approve', () => {
    const proposed = holdForApproval(confirm('fin-a'), transfer, 1_000_000)[0];
    if (proposed.type !== 'TransferMatchProposed') throw new Error('expected a proposal');
    const pendingTransfer = { transferId: 't-1', status: 'pending_approval' as const, pending: proposed.data.pending };
    expect(() => decideApproval({ type: 'ApproveMatch' }, pendingTransfer, meta('fin-a'))).toThrow(expect.objectContaining({ code: 'SAME_APPROVER' }));
    expect(() => decideApproval({ type: 'RejectProposedMatch', reason: '核对' }, pendingTransfer, meta('fin-a'))).toThrow(DomainError);
    const approved = decideApproval({ type: 'ApproveMatch' }, pendingTransfer, meta('fin-b'));
    expect(approved.map((e) => e.type)).toEqual(['TransferMatchApproved', 'TransferMatched']);
    expect(approved[1].data).toMatchObject({ matchId: 'm-1', allocations: [{ orderId: 'o-1', amountFen: 1_200_000 }], actor: 'fin-b', reasons: ['单位名称相似', '财务人工确认', '第二位财务审批'] });
    expect(approved[0].data).toMatchObject({ proposedBy: 'fin-a', actor: 'fin-b' });
    expect(decideApproval({ type: 'RejectProposedMatch', reason: '金额待核实' }, pendingTransfer, meta('fin-b'))).toEqual([
      { type: 'TransferMatchProposalRejected', schemaVersion: 1, data: { transferId: 't-1', matchId: 'm-1', proposedBy: 'fin-a', reason: '金额待核实', actor: 'fin-b', at: '2026-09-01T02:00:00.000Z' } },
    ]);
    expect(() => decideApproval({ type: 'ApproveMatch' }, { ...transfer, pending: null }, meta('fin-b'))).toThrow(expect.objectContaining({ code: 'NO_PENDING_APPROVAL' }));
  });

  it('a pending transfer cannot be confirmed, matched or rejected again', () => {
    const pending: TransferSnapshot = { ...transfer, status: 'pending_approval' };
    expect(() => decideTransfer({ type: 'MatchManually', data: { allocations: [{ orderId: 'o-2', amountFen: 1_200_000 }], matchId: 'm-2' }, metadata: meta('fin-b') }, pending)).toThrow(expect.objectContaining({ code: 'TRANSFER_NOT_OPEN' }));
  });

  it('an import never books a credit above the limit by itself: the automatic match becomes a suggestion', () => {
    const auto = { kind: 'auto' as const, orderId: 'o-1', confidence: 0.97, reasons: ['缴费码一致'], notes: [] };
    expect(holdLargeCredit(auto, 1_200_000, undefined)).toBe(auto);
    expect(holdLargeCredit(auto, 900_000, 1_000_000)).toBe(auto);
    expect(holdLargeCredit(auto, 1_200_000, 1_000_000)).toEqual({ kind: 'suggest', candidates: [{ orderId: 'o-1', score: 0.97, reasons: ['缴费码一致'] }], notes: [FOUR_EYES_NOTE] });
  });
});
