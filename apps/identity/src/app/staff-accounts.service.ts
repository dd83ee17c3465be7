import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { CommandHandler, PostgresEventStore, type Queryable } from '@lsc/event-sourcing';
import { ApiError, CONFIG, REDIS, validationFailed } from '@lsc/service-kit';
import { passwordStrength, type PasswordStrength } from '@lsc/validation';
import { PasswordHasher, RefreshTokenStore, staffPasswordProblems } from '../auth';
import type { IdentityConfig } from '../config';
import { staffDecider, staffIntegrationEvents, staffStreamId, type StaffCommand, type StaffRole, type StaffState } from '../domain/staff';
import { AccountsRepository, violatedClaim } from '../infra/accounts.repository';
import { metadata } from './shared';

/** How long a set-password code stays valid: long enough for a new colleague to get to it, short enough to leak little. */
export const SETUP_CODE_TTL_SECONDS = 72 * 3600;

export interface StaffView {
  accountId: string;
  username: string;
  displayName: string;
  roles: string[];
  status: 'pending' | 'active' | 'disabled';
  createdAt: string;
  disabledAt: string | null;
  /** An authenticator is bound (二次验证已绑定). */
  twoFactorEnrolled: boolean;
}
export interface SetupCode {
  setupCode: string;
  setupPath: string;
  setupExpiresAt: string;
}

interface StaffRow {
  account_id: string;
  username: string | null;
  display_name: string | null;
  roles: string[];
  staff_status: StaffView['status'] | null;
  created_at: Date;
  disabled_at: Date | null;
  two_factor: boolean;
}
const view = (r: StaffRow): StaffView => ({
  accountId: r.account_id,
  username: r.username ?? '',
  displayName: r.display_name ?? r.username ?? '',
  roles: r.roles,
  // Accounts made before the console by the bootstrap CLI had a password from the start.
  status: r.staff_status ?? (r.disabled_at ? 'disabled' : 'active'),
  createdAt: r.created_at.toISOString(),
  disabledAt: r.disabled_at?.toISOString() ?? null,
  twoFactorEnrolled: r.two_factor,
});

const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');
const staffNotFound = () => new ApiError(HttpStatus.NOT_FOUND, 'STAFF_NOT_FOUND', '工作人员账号不存在');
const invalidCode = () =>
  new ApiError(HttpStatus.BAD_REQUEST, 'SETUP_CODE_INVALID', '设置密码链接无效或已过期，请联系超级管理员重新发放', [{ field: 'code', rule: 'setupCode', message: '设置密码链接无效或已过期' }]);

/**
 * Staff accounts, managed by super-admins in the console. The creator never chooses or sees a password: the new staff
 * member gets a one-time code (link) and sets it. Every change is an event on the staff stream (the audit) and goes out
 * as identity.StaffAccountChanged; identity_accounts mirrors roles, name and disabled_at in the same transaction.
 * The code itself lives only in Redis, hashed, with a TTL; issuing a new one (reset) or disabling voids the old one.
 */
@Injectable()
export class StaffAccountsService {
  readonly handler: CommandHandler<StaffCommand, StaffState, Parameters<typeof staffDecider.evolve>[1]>;

  constructor(
    store: PostgresEventStore,
    private readonly accounts: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokenStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: IdentityConfig,
  ) {
    this.handler = new CommandHandler({ decider: staffDecider, store, toIntegrationEvents: staffIntegrationEvents });
  }

  async list(): Promise<StaffView[]> {
    const { rows } = await this.accounts.pool.query<StaffRow>(
      `select a.account_id, coalesce(a.username, c.value) as username, a.display_name, a.roles, a.staff_status, a.created_at, a.disabled_at,
              exists (select 1 from identity_staff_totp t where t.account_id = a.account_id) as two_factor
         from identity_accounts a left join identity_unique_claims c on c.account_id = a.account_id and c.kind = 'login_name'
        where a.kind = 'staff' order by a.created_at`,
    );
    return rows.map(view);
  }

  async get(accountId: string): Promise<StaffView> {
    const found = (await this.list()).find((s) => s.accountId === accountId);
    if (!found) throw staffNotFound();
    return found;
  }

  /** Creates a pending staff account and its first set-password code. */
  async create(input: { username: string; displayName: string; roles: StaffRole[] }, actor: string, withPassword?: string): Promise<StaffView & Partial<SetupCode>> {
    if ((await this.accounts.takenClaims([{ kind: 'login_name', value: input.username }])).length > 0) throw loginTaken();
    if (withPassword !== undefined) assertStaffPassword(withPassword, input.username);
    const accountId = randomUUID();
    // Until the staff member sets one, the hash is of a random secret nobody knows: login is impossible.
    const hash = await this.hasher.hash(withPassword ?? randomBytes(32).toString('base64url'));
    try {
      await this.handler.handle(
        staffStreamId(accountId),
        { type: 'CreateStaff', data: { accountId, ...input }, metadata: metadata(actor) },
        {
          afterAppend: async (client, decided) => {
            await this.accounts.insertAccount(client, { account_id: accountId, kind: 'staff', institution_id: null, password_hash: hash, roles: decided.state.status === 'none' ? [] : decided.state.roles });
            await this.accounts.insertClaims(client, accountId, [{ kind: 'login_name', value: input.username }]);
            await this.mirror(client, accountId, decided.state);
          },
        },
      );
    } catch (err) {
      if (violatedClaim(err) === 'login_name') throw loginTaken();
      throw err;
    }
    if (withPassword !== undefined) {
      // The bootstrap CLI: the operator typed the password on standard input, so the account is active at once.
      await this.handler.handle(staffStreamId(accountId), { type: 'RecordPasswordSet', data: {}, metadata: metadata(accountId) }, { afterAppend: (client, d) => this.mirror(client, accountId, d.state) });
      return this.get(accountId);
    }
    return { ...(await this.get(accountId)), ...(await this.issueCode(accountId)) };
  }

  async assignRoles(accountId: string, roles: StaffRole[], actor: string): Promise<StaffView> {
    await this.change(accountId, { type: 'AssignRoles', data: { roles }, metadata: metadata(actor) });
    // Access tokens carry roles: end the sessions so the next login has the new ones.
    await this.refreshTokens.revokeAllForSubject(accountId);
    return this.get(accountId);
  }

  async disable(accountId: string, reason: string, actor: string): Promise<StaffView> {
    await this.change(accountId, { type: 'DisableStaff', data: { reason }, metadata: metadata(actor) });
    await Promise.all([this.refreshTokens.revokeAllForSubject(accountId), this.voidCode(accountId)]);
    return this.get(accountId);
  }

  async enable(accountId: string, actor: string): Promise<StaffView> {
    await this.change(accountId, { type: 'EnableStaff', data: {}, metadata: metadata(actor) });
    return this.get(accountId);
  }

  /** 重置: the old password stops working at once, sessions end, and a new one-time code is issued. */
  async reset(accountId: string, actor: string): Promise<StaffView & SetupCode> {
    const hash = await this.hasher.hash(randomBytes(32).toString('base64url'));
    await this.change(accountId, { type: 'IssueReset', data: {}, metadata: metadata(actor) }, (client) => this.accounts.updatePasswordHash(client, accountId, hash));
    await this.refreshTokens.revokeAllForSubject(accountId);
    return { ...(await this.get(accountId)), ...(await this.issueCode(accountId)) };
  }

  /** The new staff member sets their password with the one-time code (single use: taken atomically). */
  async setPassword(code: string, password: string): Promise<{ username: string; passwordStrength: PasswordStrength }> {
    // The policy needs the login name, so the code is looked at first and only taken once the password is acceptable:
    // a refused password leaves the link usable for the next try.
    const holder = await this.redis.get(this.key('code', hashCode(code)));
    if (!holder) throw invalidCode();
    assertStaffPassword(password, (await this.get(holder)).username);
    const accountId = await this.redis.getdel(this.key('code', hashCode(code)));
    if (!accountId) throw invalidCode();
    await this.redis.del(this.key('of', accountId));
    const hash = await this.hasher.hash(password);
    await this.change(accountId, { type: 'RecordPasswordSet', data: {}, metadata: metadata(accountId) }, (client) => this.accounts.updatePasswordHash(client, accountId, hash));
    return { username: (await this.get(accountId)).username, passwordStrength: passwordStrength(password) };
  }

  private async change(accountId: string, command: StaffCommand, extra?: (client: Queryable) => Promise<void>): Promise<void> {
    const account = await this.accounts.findBySubject(accountId);
    if (!account || account.kind !== 'staff') throw staffNotFound();
    await this.handler.handle(staffStreamId(accountId), command, {
      afterAppend: async (client, decided) => {
        await this.mirror(client, accountId, decided.state);
        if (extra) await extra(client);
      },
    });
  }

  /** identity_accounts mirrors the stream for the login query and the list. */
  private async mirror(client: Queryable, accountId: string, state: StaffState): Promise<void> {
    if (state.status === 'none') return;
    await client.query(
      `update identity_accounts set username = $2, display_name = $3, roles = $4, staff_status = $5,
         disabled_at = case when $5 = 'disabled' then coalesce(disabled_at, now()) else null end where account_id = $1`,
      [accountId, state.username, state.displayName, state.roles, state.status],
    );
  }

  private async issueCode(accountId: string): Promise<SetupCode> {
    await this.voidCode(accountId);
    const code = randomBytes(18).toString('base64url');
    const hashed = hashCode(code);
    await this.redis.multi().set(this.key('code', hashed), accountId, 'EX', SETUP_CODE_TTL_SECONDS).set(this.key('of', accountId), hashed, 'EX', SETUP_CODE_TTL_SECONDS).exec();
    return { setupCode: code, setupPath: `/console/set-password?code=${code}`, setupExpiresAt: new Date(Date.now() + SETUP_CODE_TTL_SECONDS * 1000).toISOString() };
  }

  private async voidCode(accountId: string): Promise<void> {
    const previous = await this.redis.getdel(this.key('of', accountId));
    if (previous) await this.redis.del(this.key('code', previous));
  }

  private key(kind: 'code' | 'of', id: string): string {
    return `${this.config.REDIS_KEY_PREFIX}staff-setup:${kind}:${id}`;
  }
}

/** The staff password policy (12–128 characters, not common or breached), as a 400 on the `password` field. */
function assertStaffPassword(password: string, username: string): void {
  const problems = staffPasswordProblems(password, { label: '新密码', username });
  if (problems.length > 0) throw validationFailed(problems.map((message) => ({ field: 'password', rule: 'staffPassword', message })));
}

const loginTaken = () => new ApiError(HttpStatus.CONFLICT, 'ALREADY_REGISTERED', '登录名已被使用', [{ field: 'username', rule: 'unique', message: '登录名已被使用' }]);
