import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StaffAccountChanged, validateAs } from '@lsc/contracts';
import { StaffAccountsService } from './app/staff-accounts.service';
import { staffIntegrationEvents, type StaffEvent } from './domain/staff';
import { randomIp, startIdentity, type IdentityHarness, viaGateway } from './testing/harness';
import { staffSignIn } from './testing/staff-sign-in';

/** 工作人员账号 through the identity API (issue #23), over real PostgreSQL and Redis. */
describe('staff accounts (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  let admin: string;
  let adminId: string;
  let signIn: ReturnType<typeof staffSignIn>;

  const login = async (username: string, password: string) => h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: { ...viaGateway(randomIp()) }, payload: { login: username, password, ...(await h.captcha('login')) } });
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, token = admin) => h.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
  const setPassword = (code: string, password: string, confirmPassword = password) => h.app.inject({ method: 'POST', url: '/api/v1/identity/staff-password', payload: { code, password, confirmPassword } });
  const auditOf = async (accountId: string) => (await h.db.pool.query(`select event_type, metadata->>'actor' as actor from es_events where stream_id = $1 order by stream_version`, [`staff-${accountId}`])).rows;

  beforeAll(async () => {
    h = await startIdentity('staffaccounts');
    signIn = staffSignIn(h);
    // The bootstrap super-admin, as the CLI creates it (password given, not chosen by anyone else).
    const boot = await h.app.get(StaffAccountsService).create({ username: 'root_admin', displayName: '系统管理员', roles: ['super_admin'] }, 'system:cli', 'Root#2024-admin');
    adminId = boot.accountId;
    const res = await signIn('root_admin', 'Root#2024-admin');
    expect(res.statusCode).toBe(200);
    admin = res.json().accessToken;
  }, 60000);
  afterAll(async () => h?.close());

  it('a super-admin creates a finance user, who sets their own password with the one-time code and signs in', async () => {
    const bad = await call('POST', '/api/v1/identity/staff', { username: 'a', displayName: '', roles: ['cashier'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field).sort()).toEqual(['displayName', 'roles', 'username']);
    expect(bad.json().message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await call('POST', '/api/v1/identity/staff', { username: 'x_finance', displayName: '某人', roles: ['finance'], password: 'Chosen#2024' })).statusCode).toBe(400);

    const created = await call('POST', '/api/v1/identity/staff', { username: 'caiwu_wang', displayName: '王会计', roles: ['finance'] });
    expect(created.statusCode).toBe(201);
    const staff = created.json();
    expect(staff).toMatchObject({ username: 'caiwu_wang', displayName: '王会计', roles: ['finance'], status: 'pending', setupCode: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), setupPath: expect.stringContaining('/console/set-password?code=') });
    expect((await call('POST', '/api/v1/identity/staff', { username: 'CAIWU_WANG', displayName: '另一人', roles: ['finance'] })).json()).toMatchObject({ code: 'ALREADY_REGISTERED', details: [{ field: 'username' }] });
    // Before the password is set nobody can sign in, whatever they try.
    expect((await login('caiwu_wang', '')).statusCode).toBe(400);
    expect((await login('caiwu_wang', 'Guess#2024pw')).statusCode).toBe(401);

    expect((await setPassword(staff.setupCode, 'weak')).statusCode).toBe(400);
    // The staff policy: 12+ characters, nothing common or breached, not the login name; a refusal keeps the link usable.
    const short = await setPassword(staff.setupCode, 'Wang#2024pw');
    expect(short.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'password', message: '新密码长度须为12-128个字符（可使用空格、中文和任意符号，建议用一句好记的话）' }] });
    expect((await setPassword(staff.setupCode, 'Password2024!')).json().details[0].message).toMatch(/^新密码是常见或已泄露的密码/);
    expect((await setPassword(staff.setupCode, 'caiwu_wang#2024')).json().details[0].message).toBe('新密码不能包含登录名');
    expect((await setPassword(staff.setupCode, 'Wang#2024-ledger', 'Other#2024pw')).json().details[0].field).toBe('confirmPassword');
    const set = await setPassword(staff.setupCode, 'Wang#2024-ledger');
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ username: 'caiwu_wang' });
    expect((await setPassword(staff.setupCode, 'Again#2024pw')).json()).toMatchObject({ code: 'SETUP_CODE_INVALID', details: [{ field: 'code' }] });
    const session = await signIn('caiwu_wang', 'Wang#2024-ledger');
    expect(session.statusCode).toBe(200);
    expect(session.json().principal).toEqual({ sub: staff.accountId, roles: ['finance'] });

    // A finance user may not manage staff; the list shows the account active.
    expect((await call('GET', '/api/v1/identity/staff', undefined, session.json().accessToken)).statusCode).toBe(403);
    const list = (await call('GET', '/api/v1/identity/staff')).json().items;
    expect(list.find((s: { username: string }) => s.username === 'caiwu_wang')).toMatchObject({ displayName: '王会计', status: 'active', roles: ['finance'] });
    expect(await auditOf(staff.accountId)).toEqual([
      { event_type: 'StaffAccountCreated', actor: adminId },
      { event_type: 'StaffPasswordSet', actor: staff.accountId },
      { event_type: 'StaffTwoFactorEnrolled', actor: staff.accountId },
    ]);
    const { rows } = await h.db.pool.query("select data::text as d from es_events where stream_id like 'staff-%'");
    expect(rows.map((r) => r.d).join('')).not.toMatch(/Wang#2024pw|argon2|setup/i);
  }, 60000);

  it('roles, disable (login and refresh refused at once), enable, reset (old password dead, new code works); a super-admin cannot disable themselves', async () => {
    const staff = (await call('POST', '/api/v1/identity/staff', { username: 'huiyuan_li', displayName: '李管理', roles: ['member_admin'] })).json();
    await setPassword(staff.setupCode, 'Li#2024-members');
    const first = (await login('huiyuan_li', 'Li#2024-members')).json();

    const roles = await call('PUT', `/api/v1/identity/staff/${staff.accountId}/roles`, { roles: ['member_admin', 'finance'] });
    expect(roles.json()).toMatchObject({ roles: ['member_admin', 'finance'] });
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', payload: { refreshToken: first.refreshToken } })).statusCode).toBe(401);
    expect((await signIn('huiyuan_li', 'Li#2024-members')).json().principal.roles).toEqual(['member_admin', 'finance']);
    const second = (await signIn('huiyuan_li', 'Li#2024-members')).json();

    expect((await call('POST', `/api/v1/identity/staff/${staff.accountId}/disable`, {})).json().details[0]).toMatchObject({ field: 'reason', message: '停用原因不能为空' });
    const disabled = await call('POST', `/api/v1/identity/staff/${staff.accountId}/disable`, { reason: '已调岗' });
    expect(disabled.json()).toMatchObject({ status: 'disabled' });
    expect((await login('huiyuan_li', 'Li#2024-members')).json()).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', payload: { refreshToken: second.refreshToken } })).statusCode).toBe(401);
    expect((await call('POST', `/api/v1/identity/staff/${staff.accountId}/reset`)).json().code).toBe('STAFF_DISABLED');

    expect((await call('POST', `/api/v1/identity/staff/${staff.accountId}/enable`)).json()).toMatchObject({ status: 'active' });
    expect((await login('huiyuan_li', 'Li#2024-members')).statusCode).toBe(200);

    const reset = (await call('POST', `/api/v1/identity/staff/${staff.accountId}/reset`)).json();
    expect(reset).toMatchObject({ status: 'pending', setupCode: expect.any(String) });
    expect((await login('huiyuan_li', 'Li#2024-members')).statusCode).toBe(401);
    // A passphrase with spaces and Chinese, well past 16 characters, is welcome.
    expect((await setPassword(reset.setupCode, '书山有路 勤为径 Library 2026')).statusCode).toBe(200);
    expect((await login('huiyuan_li', '书山有路 勤为径 Library 2026')).statusCode).toBe(200);

    expect((await call('POST', `/api/v1/identity/staff/${adminId}/disable`, { reason: '测试' })).json().code).toBe('CANNOT_DISABLE_SELF');
    expect((await call('PUT', `/api/v1/identity/staff/${adminId}/roles`, { roles: ['finance'] })).json().code).toBe('CANNOT_DEMOTE_SELF');
    expect((await call('POST', `/api/v1/identity/staff/${randomUUID()}/enable`)).statusCode).toBe(404);
    expect((await auditOf(staff.accountId)).map((r) => r.event_type)).toEqual([
      'StaffAccountCreated', 'StaffPasswordSet', 'StaffRolesAssigned', 'StaffTwoFactorEnrolled', 'StaffAccountDisabled', 'StaffAccountEnabled', 'StaffPasswordResetIssued', 'StaffPasswordSet',
    ]);
  }, 60000);

  it('every change goes out as identity.StaffAccountChanged.v1, valid against the contract', () => {
    const at = '2026-09-01T01:05:00.000Z';
    const events: StaffEvent[] = [
      { type: 'StaffAccountCreated', schemaVersion: 1, data: { accountId: adminId, username: 'caiwu_zhao', displayName: '赵会计', roles: ['finance'], createdBy: adminId, at } },
      { type: 'StaffAccountDisabled', schemaVersion: 1, data: { reason: '离职', by: adminId, at } },
    ];
    const out = staffIntegrationEvents({ state: { status: 'disabled', accountId: adminId, username: 'caiwu_zhao', displayName: '赵会计', roles: ['finance'], hasPassword: false }, events });
    expect(out.map((o) => [o.event.type, (o.event.data as { change: string }).change])).toEqual([
      ['identity.StaffAccountChanged', 'created'],
      ['identity.StaffAccountChanged', 'disabled'],
    ]);
    for (const o of out) expect(() => validateAs(StaffAccountChanged.payload, o.event.data)).not.toThrow();
  });

  it('the bootstrap CLI reads the password from standard input, never from its arguments', () => {
    // The CLI runs dist/: build identity from the current source first, unless Nx runs this test (it built already).
    if (!process.env.NX_TASK_TARGET_PROJECT) expect(spawnSync('npx', ['nx', 'run', 'identity:build', '--outputStyle=static'], { cwd: join(__dirname, '../../..'), stdio: 'ignore' }).status).toBe(0);
    const env = { ...process.env, DATABASE_URL: h.config.DATABASE_URL, REDIS_KEY_PREFIX: h.config.REDIS_KEY_PREFIX, LOG_LEVEL: 'warn', NODE_ENV: 'test', LSC_DATA_DIR: h.config.LSC_DATA_DIR };
    const main = join(__dirname, '../../../dist/apps/identity/main.js');
    const run = (args: string[], input: string) => spawnSync(process.execPath, [main, 'create-staff', ...args], { env, input, encoding: 'utf8', timeout: 60000 });
    expect(run(['cli_boot', 'Boot#2024-admin', 'super_admin'], '').status).not.toBe(0);
    const weak = run(['cli_boot', 'super_admin'], 'Boot#2024pw\n');
    expect(weak.status).not.toBe(0);
    expect(weak.stderr).toContain('密码长度须为12-128个字符');
    expect(run(['cli_boot', 'super_admin'], 'iloveyou2024!!\n').stderr).toContain('常见或已泄露');
    const ok = run(['cli_boot', 'super_admin', '引导管理员'], 'Boot#2024-admin\n');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('"created":"cli_boot"');
  }, 240000);
});
