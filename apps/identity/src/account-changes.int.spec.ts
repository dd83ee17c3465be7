import { Client } from 'pg';
import type { Consumer } from 'kafkajs';
import { IDENTITY_TOPIC, parseIntegrationEvent, type IntegrationEvent } from '@lsc/contracts';
import { eventually, testKafka, testPassword, uniqueName } from '@lsc/testing';
import { PasswordHasher } from './auth';
import { createStaff } from './app/staff';
import { AccountsRepository } from './infra/accounts.repository';
import { randomIp, randomMobile, register, startIdentity, validRegistration, type IdentityHarness, viaGateway } from './testing/harness';

type Session = { accessToken: string; refreshToken: string; principal: { sub: string; roles: string[] } };
type ErrorBody = { code: string; message: string; details: Array<{ field: string; rule: string; message: string }> };

describe('mobile change and staff locks (real PostgreSQL, Redis, Kafka)', () => {
  let h: IdentityHarness;
  let consumer: Consumer;
  // Raw values: the shared topic also carries other suites' deliberately malformed messages, which must not stop
  // this consumer; our own events are parsed with the contracts (as a consuming service would) when found.
  const received: Array<{ type: string; schemaVersion: number; data: Record<string, unknown>; raw: Buffer }> = [];
  const parsed = (e: { raw: Buffer }): IntegrationEvent => parseIntegrationEvent(e.raw);

  beforeAll(async () => {
    h = await startIdentity('chg', { STAFF_TWO_FACTOR_ROLES: '' });
    consumer = testKafka().consumer({ groupId: uniqueName('identity-chg-test') });
    await consumer.connect();
    await consumer.subscribe({ topic: IDENTITY_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const v = JSON.parse(message.value!.toString()) as { type: string; schemaVersion: number; data: Record<string, unknown> };
          if (v && typeof v.type === 'string' && v.data && typeof v.data === 'object') received.push({ ...v, raw: message.value! });
        } catch {
          // not JSON: someone else's poison message
        }
      },
    });
  }, 60000);
  afterAll(async () => {
    await consumer?.disconnect();
    await h?.close();
  });

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token?: string) =>
    h.app.inject({ method, url, headers: { ...viaGateway(randomIp()), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(payload ? { payload } : {}) });
  const login = async (loginId: string, password: string) => inject('POST', '/api/v1/identity/sessions', { login: loginId, password, ...(await h.captcha('login')) });
  const refresh = (refreshToken: string) => inject('POST', '/api/v1/identity/sessions/refresh', { refreshToken });
  const endSmsCooldowns = async () => {
    const keys = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:cooldown:*`);
    if (keys.length) await h.redis.del(...keys);
  };
  const newInstitution = async (overrides: Record<string, unknown> = {}) => {
    const body = validRegistration({ loginName: uniqueName('u').replace(/-/g, '_').slice(0, 24), ...overrides });
    const res = await register(h, body);
    expect(res.statusCode).toBe(201);
    const { institutionId, accountId } = res.json() as { institutionId: string; accountId: string };
    return { body, institutionId, accountId, mobile: String(body.mobile), password: String(body.password), loginName: String(body.loginName) };
  };
  const streamEvents = async (streamId: string) =>
    (await h.db.pool.query<{ type: string; data: Record<string, unknown>; actor: string }>("select event_type as type, data, metadata->>'actor' as actor from es_events where stream_id = $1 order by stream_version", [streamId])).rows;

  describe('更换手机号', () => {
    it('needs a captcha for the code to the new number; refuses a wrong password, a taken or unchanged number and a wrong code without using the code up', async () => {
      const inst = await newInstitution();
      const other = await newInstitution();
      const s = (await login(inst.loginName, inst.password)).json() as Session;
      const newMobile = randomMobile();

      const noCaptcha = await inject('POST', '/api/v1/identity/sms-codes', { mobile: newMobile, purpose: 'change_mobile' });
      expect(noCaptcha.statusCode).toBe(400);
      const captcha = await h.captcha('sms');
      expect((await inject('POST', '/api/v1/identity/sms-codes', { mobile: newMobile, purpose: 'change_mobile', ...captcha })).statusCode).toBe(202);
      const reused = await inject('POST', '/api/v1/identity/sms-codes', { mobile: randomMobile(), purpose: 'change_mobile', ...captcha });
      expect([reused.statusCode, (reused.json() as ErrorBody).code]).toEqual([400, 'CAPTCHA_INVALID']);
      const code = await h.lastSmsCode(newMobile, 'change_mobile');

      const change = (body: object) => inject('POST', '/api/v1/identity/me/mobile', body, s.accessToken);
      const invalid = await change({ mobile: '2345', code: 'abc', currentPassword: '' });
      expect(invalid.statusCode).toBe(400);
      expect((invalid.json() as ErrorBody).details.map((d) => [d.field, d.message])).toEqual([
        ['mobile', '新手机号格式不正确'],
        ['code', '短信验证码须为6位数字'],
        ['currentPassword', '当前密码不能为空'],
      ]);
      const wrongPassword = await change({ mobile: newMobile, code, currentPassword: 'Wrong#pass1' });
      expect([wrongPassword.statusCode, (wrongPassword.json() as ErrorBody).code, (wrongPassword.json() as ErrorBody).details[0]?.field]).toEqual([400, 'WRONG_PASSWORD', 'currentPassword']);
      const same = await change({ mobile: inst.mobile, code, currentPassword: inst.password });
      expect([same.statusCode, (same.json() as ErrorBody).details[0]?.message]).toEqual([400, '新手机号不能与当前手机号相同']);
      const taken = await change({ mobile: other.mobile, code, currentPassword: inst.password });
      expect([taken.statusCode, (taken.json() as ErrorBody).code, (taken.json() as ErrorBody).details[0]?.field]).toEqual([409, 'ALREADY_REGISTERED', 'mobile']);
      const wrongCode = await change({ mobile: newMobile, code: code === '000000' ? '111111' : '000000', currentPassword: inst.password });
      expect([wrongCode.statusCode, (wrongCode.json() as ErrorBody).code]).toEqual([400, 'SMS_CODE_INVALID']);
      // A code sent to the new number for another purpose does not count (register: the number has no account yet,
      // so a login code would not be sent to it at all).
      await endSmsCooldowns();
      const otherPurposeCode = await h.smsCode(newMobile, 'register');
      expect((await change({ mobile: newMobile, code: otherPurposeCode, currentPassword: inst.password })).statusCode).toBe(400);

      // None of the refusals above used the change_mobile code up (a wrong code counts one attempt of five).
      const ok = await change({ mobile: `+86 ${newMobile}`, code, currentPassword: inst.password });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ institutionId: inst.institutionId, mobile: newMobile, session: { tokenType: 'Bearer', principal: { sub: inst.institutionId, roles: ['institution'] } } });
      const again = await change({ mobile: randomMobile(), code, currentPassword: inst.password });
      expect(again.statusCode).not.toBe(200);
    }, 120000);

    it('moves the mobile claim, ends earlier logins (the caller gets a new one), emits MobileChanged and InstitutionProfileUpdated[mobile] on Kafka; the old number is free', async () => {
      const inst = await newInstitution();
      const s1 = (await login(inst.loginName, inst.password)).json() as Session;
      const s2 = (await login(inst.mobile, inst.password)).json() as Session;
      const newMobile = randomMobile();
      await endSmsCooldowns();
      const code = await h.smsCode(newMobile, 'change_mobile');
      const res = await inject('POST', '/api/v1/identity/me/mobile', { mobile: newMobile, code, currentPassword: inst.password }, s1.accessToken);
      expect(res.statusCode).toBe(200);
      const { session } = res.json() as { session: Session };

      // Every earlier login ended, including the one made with the old number; the new session works.
      expect((await refresh(s1.refreshToken)).statusCode).toBe(401);
      expect((await refresh(s2.refreshToken)).statusCode).toBe(401);
      expect((await refresh(session.refreshToken)).statusCode).toBe(200);
      expect((await inject('GET', '/api/v1/identity/me', undefined, session.accessToken)).json()).toMatchObject({ mobile: newMobile });

      // The new number logs in (password and SMS); the old one no longer does.
      expect((await login(newMobile, inst.password)).statusCode).toBe(200);
      const oldLogin = await login(inst.mobile, inst.password);
      expect([oldLogin.statusCode, (oldLogin.json() as ErrorBody).code]).toEqual([401, 'INVALID_CREDENTIALS']);
      // The old number has no account now: a login code asked for it is answered as sent, but nothing is sent.
      await endSmsCooldowns();
      const asked = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sms-codes', payload: { mobile: inst.mobile, purpose: 'login', ...(await h.captcha('sms')) } });
      expect(asked.statusCode).toBe(202);
      await expect(h.lastSmsCode(inst.mobile, 'login')).rejects.toThrow(/no sms/);
      expect((await inject('POST', '/api/v1/identity/sessions/sms', { mobile: inst.mobile, code: '123456' })).statusCode).toBe(400);
      await endSmsCooldowns();
      const newCode = await h.smsCode(newMobile, 'login');
      expect((await inject('POST', '/api/v1/identity/sessions/sms', { mobile: newMobile, code: newCode })).statusCode).toBe(200);

      const { rows: claims } = await h.db.pool.query("select value from identity_unique_claims where account_id = $1 and kind = 'mobile'", [inst.accountId]);
      expect(claims).toEqual([{ value: newMobile }]);
      expect((await streamEvents(`institution-${inst.institutionId}`)).map((e) => [e.type, e.data])).toContainEqual(['MobileChanged', { previousMobile: inst.mobile, mobile: newMobile, changedAt: expect.any(String) }]);
      const published = await eventually(
        () => received.find((e) => e.type === 'identity.InstitutionProfileUpdated' && (e.data as { institutionId: string }).institutionId === inst.institutionId),
        { timeoutMs: 45000, what: 'InstitutionProfileUpdated on Kafka' },
      );
      expect(parsed(published).data).toMatchObject({ changedFields: ['mobile'], mobile: newMobile, street: '南京路1号', postcode: '237000' });

      // The released number can be registered by another institution.
      await endSmsCooldowns();
      expect((await register(h, validRegistration({ mobile: inst.mobile }))).statusCode).toBe(201);
    }, 120000);

    it('the current-password check is throttled like a login, so a stolen access token is no password oracle', async () => {
      const inst = await newInstitution();
      const s = (await login(inst.loginName, inst.password)).json() as Session;
      /** Moves recorded failures 60 s into the past: the progressive delay has passed, the count is kept. */
      const letDelayPass = async () => {
        for (const key of await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}bf:*:fail:*`)) {
          const entries = await h.redis.zrange(key, 0, -1, 'WITHSCORES');
          for (let i = 0; i < entries.length; i += 2) await h.redis.zadd(key, Number(entries[i + 1]) - 60_000, entries[i]);
        }
      };
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) {
        await letDelayPass();
        codes.push((await inject('POST', '/api/v1/identity/me/mobile', { mobile: randomMobile(), code: '123456', currentPassword: `Wrong#pass${i}` }, s.accessToken)).statusCode);
      }
      expect(codes).toEqual([...Array(10).fill(400), 429]);
      // Locked for this account whichever endpoint asks, even with the right password.
      const newPassword = testPassword();
      const right = await inject('POST', '/api/v1/identity/me/password', { currentPassword: inst.password, password: newPassword, confirmPassword: newPassword }, s.accessToken);
      expect([right.statusCode, (right.json() as ErrorBody).code, (right.json() as ErrorBody).message]).toEqual([429, 'PASSWORD_CHECK_THROTTLED', '密码错误次数过多，请15分钟后再试']);
      // Ordinary login of the account is a separate counter (the login throttle keeps its own per-account key).
      expect((await login(inst.loginName, inst.password)).statusCode).toBe(200);
    }, 120000);

    it('two accounts racing for one number: the claim in the append transaction lets exactly one have it', async () => {
      const inst = await newInstitution();
      const rival = await newInstitution();
      const s = (await login(inst.loginName, inst.password)).json() as Session;
      const contested = randomMobile();
      await endSmsCooldowns();
      const code = await h.smsCode(contested, 'change_mobile');
      // The rival's claim is written but not yet committed, so the service's friendly pre-check cannot see it; only
      // the unique key in the service's own transaction can stop the second claim.
      const rivalTx = new Client({ connectionString: h.db.url });
      await rivalTx.connect();
      try {
        await rivalTx.query('begin');
        await rivalTx.query("update identity_unique_claims set value = $2 where account_id = $1 and kind = 'mobile'", [rival.accountId, contested]);
        const pending = inject('POST', '/api/v1/identity/me/mobile', { mobile: contested, code, currentPassword: inst.password }, s.accessToken);
        let settled = false;
        void pending.then(() => (settled = true));
        await new Promise((r) => setTimeout(r, 1500));
        // Still waiting: it got past the pre-check and is blocked on the rival's row by the unique key.
        expect(settled).toBe(false);
        await rivalTx.query('commit');
        const res = await pending;
        expect([res.statusCode, (res.json() as ErrorBody).code, (res.json() as ErrorBody).details[0]?.field]).toEqual([409, 'ALREADY_REGISTERED', 'mobile']);
      } finally {
        await rivalTx.end();
      }
      const { rows } = await h.db.pool.query("select account_id from identity_unique_claims where kind = 'mobile' and value = $1", [contested]);
      expect(rows).toEqual([{ account_id: rival.accountId }]);
      // Nothing of the losing attempt was kept: no event, the account keeps its number.
      expect((await streamEvents(`institution-${inst.institutionId}`)).map((e) => e.type)).not.toContain('MobileChanged');
      expect((await inject('GET', '/api/v1/identity/me', undefined, s.accessToken)).json()).toMatchObject({ mobile: inst.mobile });
    }, 120000);
  });

  describe('staff lock and unlock', () => {
    let superAdmin: Session;
    let memberAdmin: Session;
    let finance: Session;

    beforeAll(async () => {
      const accounts = new AccountsRepository(h.db.pool);
      const hasher = new PasswordHasher();
      const staff = async (roles: string) => {
        const name = uniqueName('st').replace(/-/g, '_').slice(0, 24);
        await createStaff(accounts, hasher, name, 'Staff#2024pw', roles);
        const res = await login(name, 'Staff#2024pw');
        expect(res.statusCode).toBe(200);
        return res.json() as Session;
      };
      [superAdmin, memberAdmin, finance] = await Promise.all([staff('super_admin'), staff('member_admin'), staff('finance')]);
    }, 60000);

    const lockUrl = (id: string) => `/api/v1/identity/institutions/${id}/lock`;
    const unlockUrl = (id: string) => `/api/v1/identity/institutions/${id}/unlock`;

    it('only super_admin and member_admin; reason required (Chinese field message); unknown institution 404', async () => {
      const inst = await newInstitution();
      const own = (await login(inst.loginName, inst.password)).json() as Session;
      for (const token of [finance.accessToken, own.accessToken]) {
        const res = await inject('POST', lockUrl(inst.institutionId), { reason: '测试' }, token);
        expect([res.statusCode, (res.json() as ErrorBody).code]).toEqual([403, 'FORBIDDEN']);
      }
      expect((await inject('POST', lockUrl(inst.institutionId), { reason: '测试' })).statusCode).toBe(401);
      const noReason = await inject('POST', lockUrl(inst.institutionId), {}, superAdmin.accessToken);
      expect([noReason.statusCode, (noReason.json() as ErrorBody).details]).toEqual([400, [{ field: 'reason', rule: 'required', message: '锁定原因不能为空' }]]);
      const tooLong = await inject('POST', lockUrl(inst.institutionId), { reason: '长'.repeat(201) }, superAdmin.accessToken);
      expect([tooLong.statusCode, (tooLong.json() as ErrorBody).details[0]?.message]).toEqual([400, '锁定原因不能超过200个字']);
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', superAdmin.principal.sub]) {
        const res = await inject('POST', lockUrl(id), { reason: '测试' }, superAdmin.accessToken);
        expect([id, res.statusCode, (res.json() as ErrorBody).code]).toEqual([id, 404, 'INSTITUTION_NOT_FOUND']);
      }
      expect((await inject('GET', lockUrl(inst.institutionId), undefined, memberAdmin.accessToken)).json()).toMatchObject({ locked: false, reason: null });
      expect((await streamEvents(`account-${inst.accountId}`))).toEqual([]);
    });

    it('a locked account cannot log in (password or SMS), refresh, reset or edit; wrong passwords still read as unknown; the lock is durable and audited; unlock restores', async () => {
      const inst = await newInstitution();
      const before = (await login(inst.loginName, inst.password)).json() as Session;

      const locked = await inject('POST', lockUrl(inst.institutionId), { reason: ' 冒用其他单位名称注册，待核实 ' }, memberAdmin.accessToken);
      expect(locked.statusCode).toBe(200);
      expect(locked.json()).toEqual({ institutionId: inst.institutionId, accountId: inst.accountId, locked: true, reason: '冒用其他单位名称注册，待核实', lockedBy: memberAdmin.principal.sub, lockedAt: expect.any(String) });
      const twice = await inject('POST', lockUrl(inst.institutionId), { reason: '再次锁定' }, superAdmin.accessToken);
      expect([twice.statusCode, (twice.json() as ErrorBody).code]).toEqual([409, 'ACCOUNT_ALREADY_LOCKED']);

      // Refresh tokens issued before the lock are revoked.
      expect((await refresh(before.refreshToken)).statusCode).toBe(401);
      // The right password: told the account is locked, nothing more (no reason, no time, no staff).
      const right = await login(inst.loginName, inst.password);
      expect(right.statusCode).toBe(403);
      const { correlationId: _c, ...lockedBody } = right.json() as ErrorBody & { correlationId: string };
      expect(lockedBody).toEqual({ code: 'ACCOUNT_LOCKED', message: '该账号已被锁定，请联系中国图书馆学会工作人员', details: [] });
      expect(right.body).not.toContain('冒用');
      // A wrong password on a locked account answers exactly as for an unknown user: guessing learns nothing.
      const wrong = await login(inst.loginName, 'Wrong#pass1');
      const unknown = await login(`nobody_${Date.now()}`, 'Wrong#pass1');
      const strip = (b: string) => {
        const { correlationId: _x, ...rest } = JSON.parse(b) as Record<string, unknown>;
        return rest;
      };
      expect([wrong.statusCode, strip(wrong.body)]).toEqual([unknown.statusCode, strip(unknown.body)]);
      expect(wrong.statusCode).toBe(401);
      // SMS login and password reset prove the phone, then are refused the same way.
      await endSmsCooldowns();
      const smsCode = await h.smsCode(inst.mobile, 'login');
      const sms = await inject('POST', '/api/v1/identity/sessions/sms', { mobile: inst.mobile, code: smsCode });
      expect([sms.statusCode, (sms.json() as ErrorBody).code]).toEqual([403, 'ACCOUNT_LOCKED']);
      await endSmsCooldowns();
      const resetCode = await h.smsCode(inst.mobile, 'reset');
      const newPassword = testPassword();
      const reset = await inject('POST', '/api/v1/identity/password-resets', { mobile: inst.mobile, code: resetCode, password: newPassword, confirmPassword: newPassword });
      expect([reset.statusCode, (reset.json() as ErrorBody).code]).toEqual([403, 'ACCOUNT_LOCKED']);
      // An access token from before the lock is still a valid JWT (≤ 15 min) but cannot change the account.
      const edit = await inject('PATCH', '/api/v1/identity/me', { street: '南京路9号' }, before.accessToken);
      expect([edit.statusCode, (edit.json() as ErrorBody).code]).toEqual([403, 'ACCOUNT_LOCKED']);

      // Durable: not a Redis state. With every Redis key of the service gone the account is still locked.
      const keys = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}*`);
      if (keys.length) await h.redis.del(...keys);
      expect((await login(inst.loginName, inst.password)).statusCode).toBe(403);
      const { rows } = await h.db.pool.query('select locked_at from identity_accounts where account_id = $1', [inst.accountId]);
      expect(rows[0].locked_at).toBeInstanceOf(Date);
      expect((await inject('GET', lockUrl(inst.institutionId), undefined, superAdmin.accessToken)).json()).toMatchObject({ locked: true, reason: '冒用其他单位名称注册，待核实', lockedBy: memberAdmin.principal.sub });

      const unlocked = await inject('POST', unlockUrl(inst.institutionId), { reason: '已核实为本单位账号' }, superAdmin.accessToken);
      expect([unlocked.statusCode, unlocked.json()]).toEqual([200, { institutionId: inst.institutionId, accountId: inst.accountId, locked: false, reason: null, lockedBy: null, lockedAt: null }]);
      const unlockAgain = await inject('POST', unlockUrl(inst.institutionId), {}, superAdmin.accessToken);
      expect([unlockAgain.statusCode, (unlockAgain.json() as ErrorBody).code]).toEqual([409, 'ACCOUNT_NOT_LOCKED']);
      expect((await login(inst.loginName, inst.password)).statusCode).toBe(200);

      // Audited on the account's stream with the staff member as actor, and published under the contracts.
      expect((await streamEvents(`account-${inst.accountId}`)).map((e) => [e.type, e.actor])).toEqual([
        ['AccountLockedByStaff', memberAdmin.principal.sub],
        ['AccountUnlockedByStaff', superAdmin.principal.sub],
      ]);
      const mine = (type: string) => received.filter((e) => e.type === type && (e.data as { accountId: string }).accountId === inst.accountId);
      await eventually(() => mine('identity.AccountLocked').length > 0 && mine('identity.AccountUnlocked').length > 0, { timeoutMs: 45000, what: 'AccountLocked and AccountUnlocked on Kafka' });
      expect(mine('identity.AccountLocked').map(parsed).map((e) => [e.schemaVersion, e.data])).toEqual([
        [2, { accountId: inst.accountId, institutionId: inst.institutionId, reason: 'staff_action', note: '冒用其他单位名称注册，待核实', lockedBy: memberAdmin.principal.sub, lockedAt: expect.any(String) }],
      ]);
      expect(mine('identity.AccountUnlocked').map(parsed).map((e) => [e.schemaVersion, e.data])).toEqual([
        [1, { accountId: inst.accountId, institutionId: inst.institutionId, unlockedBy: superAdmin.principal.sub, note: '已核实为本单位账号', unlockedAt: expect.any(String) }],
      ]);
    }, 120000);
  });
});
