import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { ApiError } from '@lsc/api-client';
import CaptchaField from './CaptchaField.vue';
import { refreshDelayMs } from './captcha';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('CaptchaField (shared by the portal and the console)', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the PNG the server drew, reports its id, and loads a new one on click with the answer cleared', async () => {
    const load = vi.fn().mockResolvedValueOnce({ captchaId: 'a'.repeat(22), image: PNG, expiresInSeconds: 120 }).mockResolvedValueOnce({ captchaId: 'b'.repeat(22), image: `${PNG}#2`, expiresInSeconds: 120 });
    const w = mount(CaptchaField, { props: { load, inputId: 'captcha', modelValue: '7', 'onUpdate:modelValue': (v: string) => w.setProps({ modelValue: v }) } });
    await flushPromises();
    expect(w.get('img').attributes('src')).toBe(PNG);
    expect(w.emitted('update:captchaId')?.at(-1)).toEqual(['a'.repeat(22)]);
    await w.get('button.image').trigger('click');
    await flushPromises();
    expect(load).toHaveBeenCalledTimes(2);
    expect(w.get('img').attributes('src')).toBe(`${PNG}#2`);
    expect(w.emitted('update:captchaId')?.at(-1)).toEqual(['b'.repeat(22)]);
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['']);
  });

  it('fetches a fresh captcha a few seconds before the current one expires', async () => {
    vi.useFakeTimers();
    const load = vi.fn().mockResolvedValue({ captchaId: 'c'.repeat(22), image: PNG, expiresInSeconds: 120 });
    mount(CaptchaField, { props: { load } });
    await flushPromises();
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(refreshDelayMs(120) - 1);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(load).toHaveBeenCalledTimes(2);
    expect(refreshDelayMs(120)).toBe(115_000);
  });

  it('says in Chinese why no image came', async () => {
    const load = vi.fn().mockRejectedValue(new ApiError(429, 'TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试', []));
    const w = mount(CaptchaField, { props: { load } });
    await flushPromises();
    expect(w.get('[role="alert"]').text()).toContain('请求过于频繁');
    expect(w.find('img').exists()).toBe(false);
  });
});
