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

  it('follows a new quote', async () => {
    const w = mount(QuoteDisplay, { props: { feePerYearFen: 600_000, years: 3, amountDueFen: 1_800_000, amountInWords: '壹万捌仟元整' } });
    await w.setProps({ years: 1, amountDueFen: 600_000, amountInWords: '陆仟元整' });
    expect(w.get('[data-test="amount-due"]').text()).toBe('6000元');
    expect(w.get('[data-test="amount-words"]').text()).toBe('陆仟元整');
    expect(w.text()).not.toContain('资格有效期至');
  });
});
