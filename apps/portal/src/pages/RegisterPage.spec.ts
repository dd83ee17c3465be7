import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@lsc/api-client';
import { flushPromises, mountPage } from '@/test/mount';
import RegisterPage from './RegisterPage.vue';

const api = vi.hoisted(() => ({ newCaptcha: vi.fn(), recommendingUnits: vi.fn(), register: vi.fn(), sendSmsCode: vi.fn() }));
vi.mock('@/api/identity', () => api);
// Lets a test switch the browser-side rules off to see what the page does with the server's answer.
const rulesOff = vi.hoisted(() => ({ value: false }));
vi.mock('@/forms/register', async (original) => {
  const real = await original<typeof import('@/forms/register')>();
  return { ...real, registerRules: (m: Parameters<typeof real.registerRules>[0]) => (rulesOff.value ? {} : real.registerRules(m)) };
});

async function toForm() {
  const page = await mountPage(RegisterPage, '/register');
  await page.wrapper.get('input[type="checkbox"]').setValue(true);
  const next = page.wrapper.findAll('button').find((b) => b.text() === '下一步')!;
  await next.trigger('click');
  await flushPromises();
  return page;
}

const input = (w: Awaited<ReturnType<typeof toForm>>['wrapper'], placeholder: string) => w.get(`[placeholder="${placeholder}"]`);

describe('机构用户注册 page', () => {
  beforeEach(() => {
    for (const f of Object.values(api)) f.mockReset();
    rulesOff.value = false;
    api.newCaptcha.mockResolvedValue({ captchaId: 'c'.repeat(22), image: 'data:image/png;base64,iVBORw0KGgo=', expiresInSeconds: 120 });
    api.recommendingUnits.mockResolvedValue({ items: [{ code: '000000', name: '中国图书馆学会' }] });
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('asks for the agreement before the form', async () => {
    const { wrapper } = await mountPage(RegisterPage, '/register');
    expect(wrapper.text()).toContain('机构账号');
    await wrapper.findAll('button').find((b) => b.text() === '下一步')!.trigger('click');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('shows the live counters of the guide (0/200, 0/30, 0/500, 0/6, 0/50) and the 弱/中/强 meter', async () => {
    const { wrapper } = await toForm();
    const counters = wrapper.findAll('.el-input__count, .el-input__count-inner').map((c) => c.text().replace(/\s/g, ''));
    for (const c of ['0/200', '0/30', '0/500', '0/6', '0/50']) expect(counters).toContain(c);
    expect(wrapper.text()).toContain('已输入0/500字');
    await input(wrapper, '密码范围在6-16位之间').setValue('Lsc#2026xy9');
    expect(wrapper.get('.meter').attributes('aria-label')).toBe('密码强度：强');
    await input(wrapper, '请输入邮编，以便我们为您寄送资料').setValue('1000');
    expect(wrapper.text()).toContain('4 / 6');
  });

  it('submitting an empty form shows each required field’s Chinese message and sends nothing', async () => {
    const { wrapper } = await toForm();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    await vi.waitFor(() => expect(wrapper.text()).toContain('校验码不能为空'));
    for (const m of ['密码不能为空', '确认密码不能为空', '电话号码不能为空', '邮箱不能为空', '机构名称不能为空', '推荐单位不能为空', '所在地区不能为空', '详细地址不能为空', '邮编不能为空', '手机号不能为空', '短信验证码不能为空', '校验码不能为空']) {
      expect(wrapper.text()).toContain(m);
    }
    expect(api.register).not.toHaveBeenCalled();
  });

  it('puts the server’s field problems next to the fields and keeps what was typed', async () => {
    rulesOff.value = true; // the server is the last word (e.g. a name already registered)
    const { wrapper } = await toForm();
    api.register.mockRejectedValue(new ApiError(409, 'INSTITUTION_TAKEN', '机构名称已被注册', [{ field: 'name', rule: 'unique', message: '该机构名称已注册，请直接登录或找回密码' }, { field: 'captchaAnswer', rule: 'captcha', message: '校验码错误，请重新计算' }]));
    await input(wrapper, '请填写机构全称（将用于发票抬头和会员证书）').setValue('某某图书馆');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.register).toHaveBeenCalledTimes(1);
    // Element Plus shows a form item's error 100 ms after it is set (debounced).
    await vi.waitFor(() => expect(wrapper.text()).toContain('该机构名称已注册，请直接登录或找回密码'));
    expect(wrapper.text()).toContain('校验码错误，请重新计算');
    expect((input(wrapper, '请填写机构全称（将用于发票抬头和会员证书）').element as HTMLInputElement).value).toBe('某某图书馆');
    expect(api.newCaptcha).toHaveBeenCalledTimes(2); // a spent captcha is replaced
    expect(api.newCaptcha.mock.calls).toEqual([['register'], ['register']]); // registration captchas only
  });

  it('a network failure shows a retry hint and keeps the form', async () => {
    rulesOff.value = true;
    const { wrapper } = await toForm();
    api.register.mockRejectedValue(new TypeError('Failed to fetch'));
    await input(wrapper, '请填写机构全称（将用于发票抬头和会员证书）').setValue('某某图书馆');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('网络连接失败，请检查网络后重试');
    expect((input(wrapper, '请填写机构全称（将用于发票抬头和会员证书）').element as HTMLInputElement).value).toBe('某某图书馆');
  });
});
