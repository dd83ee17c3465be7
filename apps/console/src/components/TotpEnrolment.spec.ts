import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { ApiError } from '@lsc/api-client';
import TotpEnrolment from './TotpEnrolment.vue';

const begin = vi.fn();
const confirm = vi.fn();
vi.mock('@/api/identity', () => ({ beginTotpEnrolment: (...a: unknown[]) => begin(...a), confirmTotpEnrolment: (...a: unknown[]) => confirm(...a) }));

const enrolment = { username: 'caiwu_wang', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/x', qrCode: 'data:image/png;base64,iVBORw0KGgo=' };
const codes = ['abcde-fghij', 'bcdef-ghijk', 'cdefg-hijkl', 'defgh-ijklm', 'efghi-jklmn', 'fghij-klmno', 'ghijk-lmnop', 'hijkl-mnopq', 'ijklm-nopqr', 'jklmn-opqrs'];
const principal = { sub: 's-1', roles: ['finance'] };
const mountIt = () => mount(TotpEnrolment, { props: { mfaToken: 'enrol-1' }, global: { plugins: [ElementPlus] } });

describe('TotpEnrolment (绑定身份验证器)', () => {
  beforeEach(() => {
    begin.mockReset().mockResolvedValue(enrolment);
    confirm.mockReset();
  });

  it('shows the QR code and the key in groups of four for typing by hand', async () => {
    const w = mountIt();
    await flushPromises();
    expect(begin).toHaveBeenCalledWith('enrol-1');
    expect(w.find('img').attributes('src')).toBe(enrolment.qrCode);
    expect(w.find('[data-test="totp-secret"]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(w.text()).toContain('caiwu_wang');
  });

  it('confirms with the first code, then shows the ten recovery codes once and enters only after they are saved', async () => {
    confirm.mockResolvedValue({ principal, recoveryCodes: codes });
    const w = mountIt();
    await flushPromises();
    await w.find('#enrol-code').setValue('287082');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(confirm).toHaveBeenCalledWith('enrol-1', '287082');
    expect(w.findAll('[data-test="recovery-codes"] li').map((li) => li.text())).toEqual(codes);
    expect(w.find('img').exists()).toBe(false);
    const enter = w.findAll('button').find((b) => b.text() === '进入工作台')!;
    expect(enter.attributes('disabled')).toBeDefined();
    expect(w.emitted('signed-in')).toBeUndefined();
    await w.find('input[type="checkbox"]').setValue(true);
    await enter.trigger('click');
    expect(w.emitted('signed-in')).toEqual([[principal]]);
  });

  it('keeps the QR code on a wrong code with the field message, and restarts when the step expired', async () => {
    confirm.mockRejectedValueOnce(new ApiError(400, 'TOTP_CODE_INVALID', '动态验证码错误，请输入身份验证器当前显示的6位数字（还可尝试4次）', [{ field: 'code', rule: 'totp', message: '动态验证码错误' }]));
    const w = mountIt();
    await flushPromises();
    await w.find('#enrol-code').setValue('000000');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.text()).toContain('动态验证码错误，请输入身份验证器当前显示的6位数字（还可尝试4次）');
    expect(w.find('img').exists()).toBe(true);

    begin.mockRejectedValueOnce(new ApiError(401, 'MFA_TOKEN_INVALID', '登录步骤已过期或已失效，请重新输入用户名和密码', []));
    const expired = mountIt();
    await flushPromises();
    expect(expired.emitted('restart')).toEqual([['登录步骤已过期或已失效，请重新输入用户名和密码']]);
  });
});
