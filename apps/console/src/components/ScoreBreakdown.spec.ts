import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import ScoreBreakdown from './ScoreBreakdown.vue';

describe('ScoreBreakdown', () => {
  it('shows the score in per cent and every signal the reconciler gave, one per line', () => {
    const w = mount(ScoreBreakdown, { props: { score: 0.62, reasons: ['附言与单位名称一致', '金额一致（6,000.00元）', '付款账号未登记'] }, global: { plugins: [ElementPlus] } });
    expect(w.text()).toContain('62%');
    expect(w.findAll('li').map((li) => li.text())).toEqual(['附言与单位名称一致', '金额一致（6,000.00元）', '付款账号未登记']);
  });
});
