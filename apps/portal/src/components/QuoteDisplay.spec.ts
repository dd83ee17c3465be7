import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import QuoteDisplay from './QuoteDisplay.vue';

describe('QuoteDisplay (会费 × 年 = 应付金额)', () => {
  it('shows the figures and the 大写 of the quote', () => {
    const w = mount(QuoteDisplay, { props: { feePerYearFen: 600_000, years: 3, amountDueFen: 1_800_000, amountInWords: '壹万捌仟元整', validityEnd: '2028-12-31' } });
    const text = w.text().replace(/\s+/g, ' ');
    expect(text).toContain('会费 6000元/年');
    expect(text).toMatch(/3年.*应付金额 18000元/);
    expect(w.get('[data-test="amount-due"]').text()).toBe('18000元');
    expect(w.get('[data-test="amount-words"]').text()).toBe('壹万捌仟元整');
    expect(text).toContain('资格有效期至 2028年12月31日');
  });

  it('states the coverage of a December joiner: active from payment, paid years from 1 January', () => {
    const w = mount(QuoteDisplay, { props: { feePerYearFen: 600_000, years: 3, amountDueFen: 1_800_000, amountInWords: '壹万捌仟元整', validityEnd: '2029-12-31', termStart: '2027-01-01', startsNextYear: true } });
    const coverage = w.get('[data-test="coverage"]').text();
    expect(coverage).toContain('会员资格自缴费到账之日起生效');
    expect(coverage).toContain('所缴会费覆盖 2027年1月1日 至 2029年12月31日');
  });

  it('follows a new quote', async () => {
    const w = mount(QuoteDisplay, { props: { feePerYearFen: 600_000, years: 3, amountDueFen: 1_800_000, amountInWords: '壹万捌仟元整' } });
    await w.setProps({ years: 1, amountDueFen: 600_000, amountInWords: '陆仟元整' });
    expect(w.get('[data-test="amount-due"]').text()).toBe('6000元');
    expect(w.get('[data-test="amount-words"]').text()).toBe('陆仟元整');
    expect(w.text()).not.toContain('资格有效期至');
  });
});
