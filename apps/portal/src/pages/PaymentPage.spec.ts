import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Application } from '@/api/membership';
import type { Order } from '@/api/billing';
import { flushPromises, mountPage } from '@/test/mount';
import PaymentPage from './PaymentPage.vue';

const api = vi.hoisted(() => ({ application: vi.fn(), cancel: vi.fn(), myMembership: vi.fn(), order: vi.fn() }));
vi.mock('@/api/membership', () => ({ application: api.application, cancel: api.cancel, myMembership: api.myMembership }));
vi.mock('@/api/billing', () => ({ order: api.order }));

const ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const awaiting: Application = {
  applicationId: ID,
  institutionId: 'i-1',
  kind: 'new',
  status: 'awaiting_payment',
  institutionName: '某某图书馆',
  organisationType: '事业单位',
  staffTier: { code: '1-30', name: '1-30人' },
  qualification: { code: 'enterprise', name: '企业会员' },
  feePerYearFen: 600_000,
  years: 3,
  amountDueFen: 1_800_000,
  amountDueInWords: '壹万捌仟元整',
  scheduleVersion: '2026',
  feeIsPlaceholder: false,
  termStart: '2026-12-08',
  termEnd: '2028-12-31',
  coverage: { termStart: '2026-12-08', termEnd: '2028-12-31', startsNextYear: false, activeFromPayment: true, description: '会员资格自缴费到账之日起生效' },
  startedAt: '2026-12-08T01:00:00Z',
  paymentOrder: {
    orderId: 'o-1',
    amountDueFen: 1_800_000,
    amountDueInWords: '壹万捌仟元整',
    method: '银行转账',
    payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' },
    transferRemark: '某某图书馆+会费',
    paymentCode: '000Z81',
  },
};
const order = (status: Order['status'], paid: number): Order => ({ orderId: 'o-1', applicationId: ID, institutionId: 'i-1', institutionName: '某某图书馆', qualificationCode: 'enterprise', qualificationName: '企业会员', staffTierCode: '1-30', staffTierName: '1-30人', years: 3, creditFen: 0, scheduleVersion: '2026', creditCode: null, payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' }, termStart: '2026-12-08', termEnd: '2028-12-31', feePerYearFen: 600_000, amountDueFen: 1_800_000, amountPaidFen: paid, remainingFen: 1_800_000 - paid, status, paymentCode: '000Z81', transferRemark: '某某图书馆+会费', invoiceTitle: '某某图书馆', issuedAt: '2026-12-08T01:00:00Z', paidOn: status === 'paid' ? '2026-12-08' : null });

describe('支付信息 page', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    for (const f of Object.values(api)) f.mockReset();
    api.myMembership.mockResolvedValue({ status: 'pending_payment', history: { terms: [], certificates: [] } });
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('shows every payment detail with its own copy button and the exact remark', async () => {
    api.application.mockResolvedValue(awaiting);
    api.order.mockResolvedValue(order('unpaid', 0));
    const { wrapper } = await mountPage(PaymentPage, `/applications/${ID}/payment`, { applicationId: ID });
    expect(wrapper.get('[data-test="transfer-remark"]').text()).toBe('某某图书馆+会费');
    expect(wrapper.get('[data-test="payee-account"]').text()).toBe('20000006591600105310002');
    expect(wrapper.get('[data-test="payment-code"]').text()).toBe('000Z81');
    const copyLabels = wrapper.findAll('button[aria-label^="复制"]').map((b) => b.attributes('aria-label'));
    expect(copyLabels).toEqual(['复制户名', '复制开户行', '复制账号', '复制应付金额', '复制附言', '复制付款识别码']);
    expect(wrapper.get('[data-test="order-status"]').text()).toBe('待缴费');
    expect(wrapper.text()).toContain('请务必在附言中填写：某某图书馆+会费');
  });

  it('turns to paid without a reload once finance reconciles the transfer (polling, then stops)', async () => {
    api.application.mockResolvedValueOnce(awaiting).mockResolvedValueOnce(awaiting).mockResolvedValue({ ...awaiting, status: 'paid', paidOn: '2026-12-08' });
    api.order.mockResolvedValueOnce(order('unpaid', 0)).mockResolvedValueOnce(order('partially_paid', 500_000)).mockResolvedValue(order('paid', 1_800_000));
    api.myMembership.mockResolvedValue({ status: 'active', memberNumber: 'LSC-U-2026-000001', validTo: '2028-12-31', history: { terms: [], certificates: [] } });
    const { wrapper } = await mountPage(PaymentPage, `/applications/${ID}/payment`, { applicationId: ID });
    expect(wrapper.find('[data-test="paid-banner"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(3000);
    await flushPromises();
    expect(wrapper.get('[data-test="order-status"]').text()).toBe('部分到账');
    expect(wrapper.text()).toContain('已到账 5000元，尚需 13000元');

    await vi.advanceTimersByTimeAsync(3000); // 'changed' → polls again at the initial delay
    await flushPromises();
    expect(wrapper.get('[data-test="paid-banner"]').text()).toContain('会费已到账（2026年12月8日）');
    expect(wrapper.get('[data-test="paid-member-number"]').text()).toBe('LSC-U-2026-000001');
    expect(wrapper.find('button[aria-label="复制附言"]').exists()).toBe(true);

    const calls = api.application.mock.calls.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(api.application.mock.calls.length).toBe(calls); // stopped once paid
  });

  it('keeps polling with back-off through a network error and says it will retry', async () => {
    api.application.mockResolvedValueOnce(awaiting).mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValue(awaiting);
    api.order.mockResolvedValue(order('unpaid', 0));
    const { wrapper } = await mountPage(PaymentPage, `/applications/${ID}/payment`, { applicationId: ID });
    await vi.advanceTimersByTimeAsync(3000);
    await flushPromises();
    expect(wrapper.text()).toContain('网络连接失败，请检查网络后重试（页面将自动重试）');
    await vi.advanceTimersByTimeAsync(4800);
    await flushPromises();
    expect(wrapper.text()).not.toContain('网络连接失败');
    expect(wrapper.get('[data-test="transfer-remark"]').text()).toBe('某某图书馆+会费');
  });

  it('an unconfirmed application is sent back to 申请信息', async () => {
    vi.useRealTimers(); // the route's page is loaded lazily
    api.application.mockResolvedValue({ ...awaiting, status: 'draft', paymentOrder: undefined });
    const { router } = await mountPage(PaymentPage, `/applications/${ID}/payment`, { applicationId: ID });
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('application'), { timeout: 20_000 });
  });
});
