import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import ReviewQueuePage from './ReviewQueuePage.vue';

const api = vi.hoisted(() => ({ reviewQueue: vi.fn(), approveMatch: vi.fn(), rejectProposedMatch: vi.fn(), confirm: vi.fn(), reject: vi.fn(), manualMatch: vi.fn(), searchOrders: vi.fn() }));
vi.mock('@/api/billing', () => api);

const order = { orderId: 'o-1', institutionName: '青松图书馆', paymentCode: 'A1B2C3', amountDueFen: 1_200_000, amountPaidFen: 0, status: 'unpaid', statusLabel: '未付款', transferRemark: '青松图书馆+会费' };
const base = { statementId: 's', lineNumber: 1, bankReference: 'B1', bookedOn: '2026-12-07', payerName: '青松图书馆', payerAccount: '6222', remark: '会费', notes: [], allocations: [], matchMode: null, matchModeLabel: '', confidence: null, reasons: [], decidedAt: null };
const pending = { ...base, transferId: 't-pending', amountFen: 1_200_000, status: 'pending_approval', statusLabel: '待审批（双人复核）', candidates: [{ orderId: 'o-1', score: 0.9, reasons: [], order }], decidedBy: 'fin-a', decidedByName: '王会计', pendingMatch: { matchId: 'm', allocations: [{ orderId: 'o-1', amountFen: 1_200_000 }], proposedBy: 'fin-a', proposedAt: '2026-12-07T02:00:00Z' } };
const suggested = { ...base, transferId: 't-open', amountFen: 600_000, status: 'suggested', statusLabel: '待确认', candidates: [{ orderId: 'o-1', score: 0.7, reasons: [], order }], decidedBy: null, decidedByName: null, pendingMatch: null };

describe('ReviewQueuePage: 双人复核', () => {
  beforeEach(() => {
    Object.values(api).forEach((f) => f.mockReset());
    api.reviewQueue.mockResolvedValue({ items: [pending, suggested] });
  });

  it('shows a pending match with its proposer and amount, offering only 审批通过 and 退回; approving calls the approval endpoint', async () => {
    api.approveMatch.mockResolvedValue({ transferId: 't-pending', status: 'matched' });
    const w = mount(ReviewQueuePage, { global: { plugins: [ElementPlus] } });
    await flushPromises();
    const items = w.findAll('[data-test="review-item"]');
    expect(items).toHaveLength(2);
    const [first, second] = [items[0]!, items[1]!];
    expect(first.find('[data-test="pending-approval"]').text()).toContain('由 王会计 提交匹配');
    expect(first.find('[data-test="pending-approval"]').text()).toContain('青松图书馆 12,000.00 元');
    const labels = first.findAll('button').map((b) => b.text());
    expect(labels).toEqual(expect.arrayContaining(['审批通过', '退回']));
    expect(labels).not.toContain('手工匹配');
    expect(labels).not.toContain('确认');
    expect(second.findAll('button').map((b) => b.text())).toEqual(expect.arrayContaining(['手工匹配', '驳回', '确认']));
    await first.findAll('button').find((b) => b.text() === '审批通过')!.trigger('click');
    await flushPromises();
    expect(api.approveMatch).toHaveBeenCalledWith('t-pending');
    expect(api.reviewQueue).toHaveBeenCalledTimes(2);
  });
});
