import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import CopyButton from './CopyButton.vue';

describe('CopyButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies exactly the value shown and says so', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const w = mount(CopyButton, { props: { value: '某某图书馆+会费', label: '附言' } });
    expect(w.get('button').attributes('aria-label')).toBe('复制附言');
    await w.get('button').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith('某某图书馆+会费');
    expect(w.get('button').text()).toBe('已复制');
  });

  it('falls back to the selection when the clipboard API refuses', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: vi.fn().mockRejectedValue(new Error('denied')) } });
    const exec = vi.fn().mockReturnValue(true);
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    const w = mount(CopyButton, { props: { value: '20000006591600105310002', label: '账号' } });
    await w.get('button').trigger('click');
    await flushPromises();
    expect(exec).toHaveBeenCalledWith('copy');
    expect(w.get('button').text()).toBe('已复制');
  });
});
