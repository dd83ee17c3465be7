import { StaffTwoFactorChanged, validateAs } from '@lsc/contracts';
import { base32Decode, hotp, totpStep } from './auth';
import { StaffAccountsService } from './app/staff-accounts.service';
import { staffIntegrationEvents } from './domain/staff';
import { randomIp, startIdentity, type IdentityHarness, viaGateway } from './testing/harness';
import { staffSignIn } from './testing/staff-sign-in';

/** 二次验证 (TOTP, RFC 6238) for staff sign-in, over real PostgreSQL and Redis (issue #25 item 6). */
describe('staff two-factor sign-in (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  let admin: string;
  const post = (url: string, payload: object, headers: Record<string, string> = {}) => h.app.inject({ method: 'POST', url: `/api/v1/identity${url}`, payload, headers: { ...viaGateway(randomIp()), ...headers } });
  const login = async (username: string, password: string) => post('/sessions', { login: username, password, ...(await h.captcha('login')) });
  const make = (username: string, roles: Array<'finance' | 'member_admin' | 'super_admin'>, password: string) =>
    h.app.get(StaffAccountsService).create({ username, displayName: username, roles }, 'system:test', password);

  beforeAll(async () => {
    h = await startIdentity('staff2fa');
    await make('tfa_root', ['super_admin'], 'Root#2024-admin');
    admin = (await staffSignIn(h)('tfa_root', 'Root#2024-admin')).json().accessToken;
  }, 60000);
  afterAll(async () => h?.close());

  it('finance gets no session after the password: enrols with a QR code, confirms with a first code, gets ten recovery codes once', async () => {
    const { accountId } = await make('tfa_caiwu', ['finance'], 'Caiwu#2024-ledger');
    const first = await login('tfa_caiwu', 'Caiwu#2024-ledger');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ secondFactor: 'enrol', mfaToken: expect.any(String), expiresIn: 900 });
    expect(first.json()).not.toHaveProperty('accessToken');
    expect(first.headers['set-cookie']).toBeUndefined();
    const { mfaToken } = first.json();
    // The token is for this step only: it is no session and no way to the code step.
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/identity/staff', headers: { authorization: `Bearer ${mfaToken}` } })).statusCode).toBe(401);
    expect((await post('/sessions/second-factor', { mfaToken, code: '123456' })).json().code).toBe('MFA_TOKEN_INVALID');

    const enrolment = (await post('/sessions/second-factor/enrolment', { mfaToken })).json();
    expect(enrolment).toMatchObject({ username: 'tfa_caiwu', secret: expect.stringMatching(/^[A-Z2-7]{32}$/), qrCode: expect.stringMatching(/^data:image\/png;base64,/) });
    expect(enrolment.otpauthUri).toBe(`otpauth://totp/%E4%B8%AD%E5%9B%BD%E5%9B%BE%E4%B9%A6%E9%A6%86%E5%AD%A6%E4%BC%9A:tfa_caiwu?secret=${enrolment.secret}&issuer=%E4%B8%AD%E5%9B%BD%E5%9B%BE%E4%B9%A6%E9%A6%86%E5%AD%A6%E4%BC%9A&algorithm=SHA1&digits=6&period=30`);
    const secret = base32Decode(enrolment.secret);
    const step = totpStep(Date.now());

    expect((await post('/sessions/second-factor/enrolment/confirm', { mfaToken, code: 'abc' })).json().details[0]).toMatchObject({ field: 'code', message: '动态验证码须为6位数字' });
    const wrong = await post('/sessions/second-factor/enrolment/confirm', { mfaToken, code: hotp(secret, step + 5) });
    expect(wrong.json()).toMatchObject({ code: 'TOTP_CODE_INVALID', details: [{ field: 'code' }] });
    const confirmed = await post('/sessions/second-factor/enrolment/confirm', { mfaToken, code: hotp(secret, step) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ accessToken: expect.any(String), principal: { sub: accountId, roles: ['finance'] } });
    const codes: string[] = confirmed.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

    // Stored sealed and hashed: neither the secret nor a recovery code is readable in the database or the events.
    const stored = JSON.stringify((await h.db.pool.query('select t.*, r.code_hash from identity_staff_totp t join identity_staff_recovery_codes r using (account_id) where account_id = $1', [accountId])).rows);
    expect(stored).not.toContain(enrolment.secret);
    expect(stored).not.toContain(secret.toString('hex'));
    for (const c of codes) expect(stored).not.toContain(c);
    const events = JSON.stringify((await h.db.pool.query("select data from es_events where stream_id = $1", [`staff-${accountId}`])).rows);
    expect(events).not.toContain(enrolment.secret);
    // Never returned again: the enrolment token is spent, and a new sign-in goes to the code step, not to enrolment.
    expect((await post('/sessions/second-factor/enrolment', { mfaToken })).json().code).toBe('MFA_TOKEN_INVALID');
    const again = (await login('tfa_caiwu', 'Caiwu#2024-ledger')).json();
    expect(again.secondFactor).toBe('totp');
    expect((await post('/sessions/second-factor/enrolment', { mfaToken: again.mfaToken })).json().code).toBe('MFA_TOKEN_INVALID');

    // The code used to confirm is spent (replay refused); the next step's code works once.
    expect((await post('/sessions/second-factor', { mfaToken: again.mfaToken, code: hotp(secret, step) })).json()).toMatchObject({ code: 'TOTP_CODE_REUSED', details: [{ field: 'code' }] });
    const next = await post('/sessions/second-factor', { mfaToken: again.mfaToken, code: hotp(secret, step + 1) }, { 'x-session-transport': 'cookie', origin: 'http://localhost' });
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ principal: { sub: accountId } });
    const third = (await login('tfa_caiwu', 'Caiwu#2024-ledger')).json();
    expect((await post('/sessions/second-factor', { mfaToken: third.mfaToken, code: hotp(secret, step + 1) })).json().code).toBe('TOTP_CODE_REUSED');

    // A recovery code works once; the same one again is refused.
    const byRecovery = await post('/sessions/second-factor', { mfaToken: third.mfaToken, recoveryCode: codes[0].toUpperCase() });
    expect(byRecovery.statusCode).toBe(200);
    const fourth = (await login('tfa_caiwu', 'Caiwu#2024-ledger')).json();
    expect((await post('/sessions/second-factor', { mfaToken: fourth.mfaToken, recoveryCode: codes[0] })).json()).toMatchObject({ code: 'RECOVERY_CODE_INVALID', details: [{ field: 'recoveryCode' }] });

    const { rows } = await h.db.pool.query("select event_type from es_events where stream_id = $1 order by stream_version", [`staff-${accountId}`]);
    expect(rows.map((r) => r.event_type)).toEqual(['StaffAccountCreated', 'StaffPasswordSet', 'StaffTwoFactorEnrolled', 'StaffRecoveryCodeUsed']);
    // What goes out (the outbox relay publishes and clears rows, so the stream is mapped as the handler maps it).
    const stream = await h.app.get(StaffAccountsService).handler.load(`staff-${accountId}`);
    const twoFactorEvents = (await h.db.pool.query("select event_type as type, schema_version as \"schemaVersion\", data from es_events where stream_id = $1 and (event_type like 'StaffTwoFactor%' or event_type = 'StaffRecoveryCodeUsed') order by stream_version", [`staff-${accountId}`])).rows;
    const out = staffIntegrationEvents({ state: stream.state, events: twoFactorEvents });
    expect(out.map((o) => [o.event.type, (o.event.data as { change: string }).change, (o.event.data as { recoveryCodesLeft: number }).recoveryCodesLeft])).toEqual([
      ['identity.StaffTwoFactorChanged', 'enrolled', 10],
      ['identity.StaffTwoFactorChanged', 'recovery_code_used', 9],
    ]);
    for (const o of out) expect(() => validateAs(StaffTwoFactorChanged.payload, o.event.data)).not.toThrow();
  }, 60000);

  it('five wrong codes end the attempt; a member_admin without an authenticator signs in with the password alone', async () => {
    await make('tfa_super', ['super_admin'], 'Super#2024-admin');
    const signIn = staffSignIn(h);
    expect((await signIn('tfa_super', 'Super#2024-admin')).statusCode).toBe(200);
    const { mfaToken } = (await login('tfa_super', 'Super#2024-admin')).json();
    for (let i = 4; i >= 1; i -= 1) expect((await post('/sessions/second-factor', { mfaToken, code: '000000' })).json().message).toContain(`还可尝试${i}次`);
    expect((await post('/sessions/second-factor', { mfaToken, code: '000000' })).json().code).toBe('MFA_TOO_MANY_FAILURES');
    expect((await post('/sessions/second-factor', { mfaToken, code: '000000' })).json().code).toBe('MFA_TOKEN_INVALID');
    // Sent all at once, guesses with one token still get five tries in all, not five each.
    const burst = (await login('tfa_super', 'Super#2024-admin')).json().mfaToken;
    const answers = (await Promise.all(Array.from({ length: 12 }, () => post('/sessions/second-factor', { mfaToken: burst, code: '000000' })))).map((r) => r.json().code);
    expect(answers.filter((c) => c === 'TOTP_CODE_INVALID').length).toBeLessThanOrEqual(4);
    expect(answers.filter((c) => c === 'TOTP_CODE_INVALID' || c === 'MFA_TOO_MANY_FAILURES' || c === 'MFA_TOKEN_INVALID')).toHaveLength(12);
    expect((await post('/sessions/second-factor', { mfaToken: burst, code: '000000' })).json().code).toBe('MFA_TOKEN_INVALID');

    await make('tfa_member', ['member_admin'], 'Member#2024-admin');
    expect((await login('tfa_member', 'Member#2024-admin')).json()).toMatchObject({ accessToken: expect.any(String), principal: { roles: ['member_admin'] } });
  }, 60000);

  it('a super-admin resets a lost authenticator: sessions end, the next sign-in enrols again, events go out', async () => {
    const { accountId } = await make('tfa_lost', ['finance'], 'Lost#2024-phone');
    const signIn = staffSignIn(h);
    const session = (await signIn('tfa_lost', 'Lost#2024-phone')).json();
    expect((await h.app.get(StaffAccountsService).get(accountId)).twoFactorEnrolled).toBe(true);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/identity/staff/${accountId}/two-factor/reset`, headers: { authorization: `Bearer ${session.accessToken}` } })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/identity/staff/${accountId}/two-factor/reset`, headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(204);
    expect((await post('/sessions/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await login('tfa_lost', 'Lost#2024-phone')).json().secondFactor).toBe('enrol');
    expect((await h.app.get(StaffAccountsService).get(accountId)).twoFactorEnrolled).toBe(false);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/identity/staff/${accountId}/two-factor/reset`, headers: { authorization: `Bearer ${admin}` } })).json().code).toBe('TWO_FACTOR_NOT_ENROLLED');
    const { rows } = await h.db.pool.query("select event_type, metadata->>'actor' as actor from es_events where stream_id = $1 and event_type like 'StaffTwoFactor%' order by stream_version", [`staff-${accountId}`]);
    expect(rows.map((r) => r.event_type)).toEqual(['StaffTwoFactorEnrolled', 'StaffTwoFactorReset']);
  }, 60000);
});
