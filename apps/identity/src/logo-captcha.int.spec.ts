import { corruptPng } from './testing/images';
import { multipartBody, startIdentity, validRegistration, type IdentityHarness } from './testing/harness';

type Problem = { field: string; rule: string };

/**
 * Issue #25 item 8: an anonymous caller gets no image decoded without a solved captcha; before it, only the upload's
 * header is read (size, format, pixel count).
 */
describe('registration logo and captcha order (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentity('logocaptcha');
  });
  afterAll(() => h?.close());

  const registerWithLogo = async (logo: Buffer, captcha: { captchaId: string; captchaAnswer: string }) => {
    const form = multipartBody({ ...validRegistration(), smsCode: '123456', ...captcha }, { content: logo, filename: 'logo.png', contentType: 'image/png' });
    return h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', headers: form.headers, payload: form.payload });
  };
  const wrongCaptcha = async () => {
    const captcha = await h.captcha('register');
    return { ...captcha, captchaAnswer: String((Number(captcha.captchaAnswer) + 1) % 1000) };
  };

  it('an image that only decoding would find broken is not decoded for a wrong captcha', async () => {
    const res = await registerWithLogo(corruptPng(120, 60), await wrongCaptcha());
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'CAPTCHA_INVALID' });
  });

  it('with the captcha solved, the decode runs and names the logo field', async () => {
    const res = await registerWithLogo(corruptPng(120, 60), await h.captcha('register'));
    expect(res.statusCode).toBe(400);
    expect((res.json() as { details: Problem[] }).details).toEqual([expect.objectContaining({ field: 'logo', rule: 'logoFormat' })]);
  });

  it('a canvas over 4 megapixels is refused from its header, before the captcha is spent', async () => {
    const captcha = await h.captcha('register');
    const res = await registerWithLogo(corruptPng(2001, 2000), captcha);
    expect((res.json() as { details: Problem[] }).details).toEqual([expect.objectContaining({ field: 'logo', rule: 'logoPixels' })]);
    // The captcha was not consumed by the refusal: it still solves the next try.
    const again = await registerWithLogo(corruptPng(120, 60), captcha);
    expect((again.json() as { details: Problem[] }).details).toEqual([expect.objectContaining({ field: 'logo', rule: 'logoFormat' })]);
  });
});
