import sharp from 'sharp';
import { randomIp, randomMobile, register, startIdentity, validRegistration, type IdentityHarness, viaGateway } from './testing/harness';

type ErrorBody = { code: string; message: string; details: Array<{ field: string; rule: string; message: string }> };

/** Issue 25 item 2 through HTTP: a raster captcha, asked for one form and refused on every other. */
describe('GET /captcha?purpose= (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  let account: Record<string, unknown>;
  beforeAll(async () => {
    h = await startIdentity('captcha');
    account = validRegistration({ loginName: `cap_${Date.now().toString(36)}` });
    expect((await register(h, account)).statusCode).toBe(201);
  });
  afterAll(() => h?.close());

  it('answers a PNG (as a data: URL) and nothing else: no SVG, no expression, not cached', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/identity/captcha?purpose=login' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { captchaId: string; image: string; purpose: string; expiresInSeconds: number };
    expect(Object.keys(body).sort()).toEqual(['captchaId', 'expiresInSeconds', 'image', 'purpose']);
    expect([body.purpose, body.expiresInSeconds]).toEqual(['login', h.config.CAPTCHA_TTL_SECONDS]);
    const [, b64] = /^data:image\/png;base64,(.+)$/.exec(body.image)!;
    const meta = await sharp(Buffer.from(b64!, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 160, 56]);
    // Beside the pixels, nothing: no markup, no expression (the base64 itself may spell anything by chance).
    expect(JSON.stringify({ ...body, image: undefined })).not.toMatch(/svg|path|[0-9][+×−x-][0-9]=/i);
    expect(body.image).not.toMatch(/^data:image\/svg/);
  });

  it('refuses a missing or unknown purpose with a Chinese message naming the field', async () => {
    for (const url of ['/api/v1/identity/captcha', '/api/v1/identity/captcha?purpose=reset', '/api/v1/identity/captcha?purpose=login&purpose=sms']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(400);
      const err = res.json() as ErrorBody;
      expect(err.details.map((d) => d.field)).toEqual(['purpose']);
      expect(err.details[0]!.message).toMatch(/校验码用途/);
    }
  });

  it('a captcha solved for SMS is refused by the login, and one solved for login is refused by SMS and registration', async () => {
    const forSms = await h.captcha('sms');
    const login = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: viaGateway(randomIp()), payload: { login: account.loginName, password: account.password, ...forSms } });
    expect([login.statusCode, (login.json() as ErrorBody).code]).toEqual([400, 'CAPTCHA_INVALID']);

    const forLogin = await h.captcha('login');
    const sms = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sms-codes', headers: viaGateway(randomIp()), payload: { mobile: randomMobile(), purpose: 'register', ...forLogin } });
    expect([sms.statusCode, (sms.json() as ErrorBody).code]).toEqual([400, 'CAPTCHA_INVALID']);
    // …and it was used up by that attempt, even on the right form.
    const again = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: viaGateway(randomIp()), payload: { login: account.loginName, password: account.password, ...forLogin } });
    expect([again.statusCode, (again.json() as ErrorBody).code]).toEqual([400, 'CAPTCHA_INVALID']);

    const reg = await register(h, { ...validRegistration(), ...(await h.captcha('login')) });
    expect([reg.statusCode, (reg.json() as ErrorBody).code]).toEqual([400, 'CAPTCHA_INVALID']);

    const right = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: viaGateway(randomIp()), payload: { login: account.loginName, password: account.password, ...(await h.captcha('login')) } });
    expect(right.statusCode).toBe(200);
  });
});
