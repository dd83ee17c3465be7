import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Membership } from '@/api/membership';
import { mountPage } from '@/test/mount';
import HomePage from './HomePage.vue';

const api = vi.hoisted(() => ({ myMembership: vi.fn(), application: vi.fn() }));
vi.mock('@/api/membership', () => ({ myMembership: api.myMembership, application: api.application }));

describe('会员管理与服务平台 home', () => {
  beforeEach(() => {
    for (const f of Object.values(api)) f.mockReset();
  });

  it("a new institution (status 'none', a 200 from the API) sees 尚未入会 and the way to apply, not an error", async () => {
    const none: Membership = { status: 'none', institutionId: 'i-1', history: { terms: [], certificates: [] } };
    api.myMembership.mockResolvedValue(none);
    const { wrapper } = await mountPage(HomePage, '/');
    expect(wrapper.find('[data-test="membership-status"]').text()).toBe('尚未入会');
    expect(wrapper.find('[data-test="member-number"]').exists()).toBe(false);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('贵单位尚未成为中国图书馆学会单位会员');
    expect(wrapper.find('a[href="/apply"]').exists()).toBe(true);
    expect(api.application).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('an active member sees the member number and the renewal step', async () => {
    api.myMembership.mockResolvedValue({
      status: 'active', institutionId: 'i-1', membershipId: 'm-1', memberNumber: 'LSC-U-2026-000001', memberSince: '2026-12-08', qualification: { code: 'enterprise', name: '企业会员' },
      validFrom: '2026-12-08', validTo: '2028-12-31', certificateDue: false, history: { terms: [], certificates: [] },
    } satisfies Membership);
    const { wrapper } = await mountPage(HomePage, '/');
    expect(wrapper.find('[data-test="member-number"]').text()).toBe('LSC-U-2026-000001');
    expect(wrapper.find('a[href="/renew"]').exists()).toBe(true);
    wrapper.unmount();
  });
});
