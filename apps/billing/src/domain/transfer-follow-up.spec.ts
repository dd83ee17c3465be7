import { TransferFollowUpRequested, validateAs } from '@lsc/contracts';
import { decideFollowUp, maskAccount } from './transfer-follow-up';

describe('unmatched-transfer follow-up', () => {
  const transfer = { transferId: '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06', status: 'unmatched', bankReference: 'BOB0001', bookedOn: '2026-11-20', amountFen: 600000, payerName: '李明', payerAccount: '6222 0202 0011 2233 445', remark: '晨光图书馆会费' };
  const institution = { institutionId: '3f1d2e3f-3333-4a55-9f77-2d1c1f7f0a05', name: '晨光图书馆' };
  const command = { followUpId: '9e1d2e3f-9999-4a55-9f77-2d1c1f7f0a11', actor: 'finance-1', now: '2026-11-21T02:00:00.000Z' };

  it('masks the payer account to its last four characters', () => {
    expect(maskAccount('6222020200112233445')).toBe('****3445');
    expect(maskAccount('6222 0202 0011 2233 445')).toBe('****3445');
    expect(maskAccount('0200-12')).toBe('****0012');
    expect(maskAccount('12')).toBe('****12');
    expect(maskAccount('')).toBe('');
  });

  it('states only billing’s record of the credit, with the account masked, and satisfies its contract', () => {
    const event = decideFollowUp(transfer, institution, command);
    expect(event).toEqual({
      followUpId: command.followUpId, requestedBy: 'finance-1', at: command.now,
      transferId: transfer.transferId, institutionId: institution.institutionId, institutionName: '晨光图书馆', bankReference: 'BOB0001', bookedOn: '2026-11-20', amountFen: 600000, payerName: '李明', payerAccountMasked: '****3445', remark: '晨光图书馆会费',
    });
    expect(JSON.stringify(event)).not.toContain('6222');
    expect(() => validateAs(TransferFollowUpRequested.payload, event)).not.toThrow();
  });

  it('refuses a credit that is matched, suggested or set aside, in Chinese', () => {
    for (const status of ['matched', 'suggested', 'set_aside']) {
      expect(() => decideFollowUp({ ...transfer, status }, institution, command)).toThrow(/无需向单位发送核对邮件/);
    }
    expect(() => decideFollowUp({ ...transfer, status: 'rejected' }, institution, command)).not.toThrow();
  });
});
