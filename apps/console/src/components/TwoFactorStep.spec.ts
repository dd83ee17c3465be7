import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { ApiError } from '@lsc/api-client';
import TwoFactorStep from './TwoFactorStep.vue';

const verify = vi.fn();
vi.mock('@/api/identity', () => ({ verifySecondFactor: (...args: unknown[]) => verify(...args) }));

const principal = { sub: 's-1', roles: ['finance'] };
const mountStep = async () => {
  const w = mount(TwoFactorStep, { props: { mfaToken: 'token-1' }, global: { plugins: [ElementPlus] } });
  await flushPromises(); // Element Plus gives the input its id after the first render
  return w;
};

describe('TwoFactorStep (二次验证)', () => {
  beforeEach(() => verify.mockReset());

  it('sends the 6-digit code with the step token and reports the signed-in principal', async () => {
    verify.mockResolvedValue(principal);
    const w = await mountStep();
    await w.find('#totp-code').setValue('123456');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(verify).toHaveBeenCalledWith({ mfaToken: 'token-1', code: '123456' });
    expect(w.emitted('signed-in')).toEqual([[principal]]);
  });

  it('checks the code locally first, in Chinese, without calling the server', async () => {
    const w = await mountStep();
    await w.find('#totp-code').setValue('12a');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(verify).not.toHaveBeenCalled();
    expect(w.text()).toContain('请输入身份验证器显示的6位数字');
  });

  it('switches to a recovery code', async () => {
    verify.mockResolvedValue(principal);
    const w = await mountStep();
    await w.find('button.toggle').trigger('click');
    expect(w.find('#totp-code').exists()).toBe(false);
    await w.find('#recovery-code').setValue(' abcde-fghij ');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(verify).toHaveBeenCalledWith({ mfaToken: 'token-1', recoveryCode: 'abcde-fghij' });
  });

  it("shows the server's message for a wrong or reused code, and goes back to the password when the step is over", async () => {
    verify.mockRejectedValueOnce(new ApiError(400, 'TOTP_CODE_REUSED', '该动态验证码已使用过，请等待身份验证器显示下一个验证码后再输入', [{ field: 'code', rule: 'totpReplay', message: '该动态验证码已使用过' }]));
    const w = await mountStep();
    await w.find('#totp-code').setValue('654321');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.text()).toContain('该动态验证码已使用过，请等待身份验证器显示下一个验证码后再输入');
    expect(w.emitted('signed-in')).toBeUndefined();

    verify.mockRejectedValueOnce(new ApiError(401, 'MFA_TOO_MANY_FAILURES', '验证码错误次数过多，请重新输入用户名和密码登录', []));
    await w.find('#totp-code').setValue('111111');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.emitted('restart')).toEqual([['验证码错误次数过多，请重新输入用户名和密码登录']]);
  });
});
