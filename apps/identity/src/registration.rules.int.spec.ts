import sharp from 'sharp';
import { multipartBody, randomMobile, register, startIdentity, validRegistration, type IdentityHarness } from './testing/harness';

type Problem = { field: string; rule: string; message: string };

/** Every field rule of 机构用户注册 (guide step 3), each with a passing and a failing value, through the HTTP endpoint. */
describe('registration field rules (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  beforeAll(async () => (h = await startIdentity('rules')));
  afterAll(() => h?.close());

  const longStreet = `南京路${'一'.repeat(496)}号`;
  const cases: Array<{ field: string; label: string; pass: Record<string, unknown>; fail: Record<string, unknown> }> = [
    { field: 'password', label: '密码', pass: { password: 'zq7Lm3', confirmPassword: 'zq7Lm3' }, fail: { password: '12345', confirmPassword: '12345' } },
    { field: 'password', label: '密码', pass: { password: 'Abcdefgh12345678', confirmPassword: 'Abcdefgh12345678' }, fail: { password: 'Abcdefgh123456789', confirmPassword: 'Abcdefgh123456789' } },
    { field: 'password', label: '密码', pass: { password: 'Qwe!2468', confirmPassword: 'Qwe!2468' }, fail: { password: '123456', confirmPassword: '123456' } },
    { field: 'password', label: '密码', pass: {}, fail: { password: 'abc１２３４', confirmPassword: 'abc１２３４' } },
    { field: 'confirmPassword', label: '确认密码', pass: {}, fail: { confirmPassword: 'Lib#2024reaD' } },
    { field: 'landline', label: '电话号码', pass: { landline: '010-88544588-123' }, fail: { landline: '88544588' } },
    { field: 'landline', label: '电话号码', pass: { landline: '０３１７-８８５４４５８８' }, fail: {} },
    { field: 'fax', label: '传真', pass: { fax: '' }, fail: { fax: '0317_88544588' } },
    { field: 'email', label: '邮箱', pass: { email: `a${Date.now().toString(36)}@x.cn` }, fail: { email: 'lib@' } },
    { field: 'email', label: '邮箱', pass: {}, fail: { email: `${'a'.repeat(24)}@lib.cn` } },
    { field: 'name', label: '机构名称', pass: { name: `馆${Date.now()}`.padEnd(200, '图') }, fail: { name: '图'.repeat(201) } },
    { field: 'name', label: '机构名称', pass: {}, fail: { name: '   ' } },
    { field: 'recommendingUnit', label: '推荐单位', pass: { recommendingUnit: '中国图书馆学会' }, fail: { recommendingUnit: '某某图书馆学会' } },
    { field: 'districtCode', label: '所在地区', pass: { provinceCode: '110000', cityCode: '110100', districtCode: '110101' }, fail: { districtCode: '341501' } },
    { field: 'districtCode', label: '所在地区', pass: {}, fail: { provinceCode: '110000', cityCode: '110100', districtCode: '341502' } },
    { field: 'street', label: '详细地址', pass: { street: longStreet }, fail: { street: `${longStreet}号` } },
    { field: 'street', label: '详细地址', pass: {}, fail: { street: '安徽省六安市金安区南京路1号' } },
    { field: 'postcode', label: '邮编', pass: { postcode: '100000' }, fail: { postcode: '23700' } },
    { field: 'website', label: '机构网址', pass: { website: '' }, fail: { website: 'ftp://lib.example.cn' } },
    { field: 'website', label: '机构网址', pass: { website: `https://${'a'.repeat(39)}.cn` }, fail: { website: `https://${'a'.repeat(40)}.cn` } },
    { field: 'remark', label: '备注', pass: { remark: '注'.repeat(500) }, fail: { remark: '注'.repeat(501) } },
    { field: 'loginName', label: '登录名', pass: { loginName: `ab_${Date.now().toString(36)}` }, fail: { loginName: 'ab' } },
    { field: 'loginName', label: '登录名', pass: {}, fail: { loginName: '图书馆账号' } },
    { field: 'mobile', label: '手机号', pass: { mobile: `+86 ${randomMobile()}` }, fail: { mobile: '12345678901' } },
    { field: 'smsCode', label: '短信验证码', pass: {}, fail: { smsCode: '12ab56' } },
    { field: 'captchaAnswer', label: '校验码', pass: {}, fail: { captchaAnswer: 'abc' } },
    { field: 'agreementAccepted', label: '协议', pass: { agreementAccepted: true }, fail: { agreementAccepted: 'false' } },
    { field: 'recommendingUnit', label: '推荐单位', pass: {}, fail: { recommendingUnit: undefined } },
  ];

  it.each(cases.map((c, i) => [`${c.field} #${i}`, c] as const))('%s: passing value → 201, failing value → 400 naming the field', async (_name, c) => {
    if (Object.keys(c.pass).length > 0) {
      const ok = await register(h, validRegistration(c.pass));
      expect({ status: ok.statusCode, body: ok.json() as unknown }).toMatchObject({ status: 201 });
    }
    if (Object.keys(c.fail).length > 0) {
      const body = validRegistration(c.fail);
      for (const k of Object.keys(c.fail)) if (c.fail[k] === undefined) delete body[k];
      const bad = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', payload: { captchaId: 'x'.repeat(22), captchaAnswer: '1', smsCode: '123456', ...body } });
      expect(bad.statusCode).toBe(400);
      const err = bad.json() as { code: string; message: string; details: Problem[] };
      expect(err.code).toBe('VALIDATION_FAILED');
      const detail = err.details.find((d) => d.field === c.field);
      expect(detail).toBeDefined();
      expect(detail!.message).toContain(c.label);
    }
  });

  it('says each fault once, as the page would: no "校验码不能为空" twice, an unticked or absent agreement reads as the checkbox does', async () => {
    const body = validRegistration();
    delete body.agreementAccepted;
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', payload: { smsCode: '123456', ...body } });
    expect(bad.statusCode).toBe(400);
    const err = bad.json() as { message: string; details: Problem[] };
    expect(err.details).toEqual([
      { field: 'captchaId', rule: 'required', message: '校验码图片已失效，请刷新校验码后重新填写' },
      { field: 'captchaAnswer', rule: 'required', message: '校验码不能为空' },
      { field: 'agreementAccepted', rule: 'required', message: '请阅读并同意《中国图书馆学会用户注册协议》' },
    ]);
    expect(err.message).toBe('请求参数有误：校验码图片已失效，请刷新校验码后重新填写；校验码不能为空；请阅读并同意《中国图书馆学会用户注册协议》');
    expect(err.message).not.toContain('用户注册协议不能为空');
  });

  it('refuses duplicates: name (full-width and space variants), e-mail (case) and mobile (+86) with 409 naming the field, once the SMS code proved the mobile', async () => {
    const first = validRegistration({ name: `ＡＢＣ  图书馆${Date.now()}`, loginName: `dup_${Date.now().toString(36)}` });
    expect((await register(h, first)).statusCode).toBe(201);
    const variants: Array<[Record<string, unknown>, string]> = [
      [{ name: `ABC 图书馆${String(first.name).slice(-13)}` }, 'name'],
      [{ email: String(first.email).toUpperCase() }, 'email'],
      [{ mobile: `+86${String(first.mobile)}` }, 'mobile'],
    ];
    for (const [override, field] of variants) {
      // The first registration's code for the same mobile started the 60 s resend wait; a person would wait it out.
      const cooldowns = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:cooldown:*`);
      if (cooldowns.length > 0) await h.redis.del(...cooldowns);
      const res = await register(h, validRegistration(override));
      expect(res.statusCode).toBe(409);
      const { correlationId: _c, ...body } = res.json() as { code: string; message: string; details: Problem[]; correlationId: string };
      expect(body.details).toEqual([expect.objectContaining({ field, rule: 'unique' })]);
      // Taken, but not by whom: nothing of the other account (its id, name, login) is in the answer.
      expect(JSON.stringify(body)).not.toContain(String(first.loginName));
      expect(JSON.stringify(body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });

  it('checks the SMS code before saying anything is taken: a wrong code with a taken name, e-mail, mobile or login name answers the code error, as for free ones', async () => {
    const first = validRegistration({ loginName: `ord_${Date.now().toString(36)}` });
    expect((await register(h, first)).statusCode).toBe(201);
    const answerTo = async (override: Record<string, unknown>) => {
      const res = await register(h, validRegistration({ ...override, smsCode: '000000' }));
      const { correlationId: _c, ...body } = res.json() as Record<string, unknown>;
      return { status: res.statusCode, body };
    };
    const free = await answerTo({});
    expect(free.status).toBe(400);
    expect(free.body).toMatchObject({ code: 'SMS_CODE_INVALID', details: [expect.objectContaining({ field: 'smsCode' })] });
    for (const taken of [{ name: first.name }, { email: first.email }, { mobile: first.mobile }, { loginName: first.loginName }]) {
      const answer = await answerTo(taken);
      expect(answer).toEqual(free);
    }
  });

  it('a taken name does not spend the SMS code: the same code registers once the name is changed', async () => {
    const first = validRegistration();
    expect((await register(h, first)).statusCode).toBe(201);
    const second = validRegistration();
    const smsCode = await h.smsCode(String(second.mobile), 'register');
    const clash = await register(h, { ...second, name: first.name, smsCode });
    expect([clash.statusCode, (clash.json() as { code: string }).code]).toEqual([409, 'ALREADY_REGISTERED']);
    const ok = await register(h, { ...second, smsCode });
    expect(ok.statusCode).toBe(201);
    // …and only once.
    const again = await register(h, { ...validRegistration(), mobile: second.mobile, smsCode });
    expect([again.statusCode, (again.json() as { code: string }).code]).toEqual([400, 'SMS_CODE_INVALID']);
  });

  it('a replayed Idempotency-Key returns the first answer and creates no second account', async () => {
    const body = validRegistration();
    const payload = { ...body, smsCode: await h.smsCode(String(body.mobile), 'register'), ...(await h.captcha('register')) };
    const headers = { 'idempotency-key': `reg-${Date.now()}` };
    const first = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', headers, payload });
    expect(first.statusCode).toBe(201);
    // The browser retries the very same request (same captcha, same code): the stored answer comes back.
    const replay = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', headers, payload });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    const { rows } = await h.db.pool.query('select count(*)::int as n from identity_accounts a join identity_unique_claims c using (account_id) where c.kind = $1 and c.value = $2', ['mobile', body.mobile]);
    expect(rows[0].n).toBe(1);
  });

  it('logo: an image (by content) is re-encoded to 164×78 PNG without metadata and served by URL; a fake image and an oversize file are 400 on the logo field', async () => {
    const jpeg = await sharp({ create: { width: 800, height: 300, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-gps' } } })
      .toBuffer();
    const body = validRegistration();
    const smsCode = await h.smsCode(String(body.mobile), 'register');
    const form = multipartBody({ ...body, smsCode, ...(await h.captcha('register')) }, { content: jpeg, filename: 'logo.txt', contentType: 'text/plain' });
    const ok = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', ...form });
    expect(ok.statusCode).toBe(201);
    const { logoUrl } = ok.json() as { logoUrl: string };
    expect(logoUrl).toMatch(/^\/api\/v1\/identity\/logos\/[0-9a-f-]{36}$/);
    const logo = await h.app.inject({ method: 'GET', url: logoUrl });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    const meta = await sharp(logo.rawPayload).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif }).toEqual({ format: 'png', width: 164, height: 78, exif: undefined });
    expect(logo.rawPayload.includes(Buffer.from('secret-gps'))).toBe(false);

    const fake = multipartBody({ ...validRegistration(), smsCode: '123456', ...(await h.captcha('register')) }, { content: Buffer.from('<svg onload=alert(1)>'), filename: 'logo.png', contentType: 'image/png' });
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', ...fake });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { details: Problem[] }).details).toEqual([expect.objectContaining({ field: 'logo', rule: 'logoFormat' })]);

    const huge = multipartBody({ ...validRegistration(), smsCode: '123456', ...(await h.captcha('register')) }, { content: Buffer.alloc(2 * 1024 * 1024 + 10, 1), filename: 'big.png', contentType: 'image/png' });
    const tooBig = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', ...huge });
    expect(tooBig.statusCode).toBe(400);
    expect((tooBig.json() as { details: Problem[] }).details).toEqual([expect.objectContaining({ field: 'logo', rule: 'logoSize' })]);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/identity/logos/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });
});
