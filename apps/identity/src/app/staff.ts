import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { STAFF_ROLES } from '@lsc/service-kit';
import { withTransaction } from '@lsc/event-sourcing';
import { PasswordHasher, staffPasswordProblems } from '../auth';
import { AccountsRepository } from '../infra/accounts.repository';
import { LOGIN_NAME_PATTERN } from '../http/registration.dto';
import type { StaffRole } from '../domain/staff';
import { StaffAccountsService } from './staff-accounts.service';

/**
 * Staff accounts (finance, member_admin, super_admin) exist only through this command, never through the public API,
 * and the table's check constraint keeps staff roles off institution accounts.
 */
export async function createStaff(accounts: AccountsRepository, hasher: PasswordHasher, username: string, password: string, rolesCsv: string): Promise<{ accountId: string; roles: string[] }> {
  const roles = [...new Set(rolesCsv.split(',').map((r) => r.trim()).filter(Boolean))];
  if (!LOGIN_NAME_PATTERN.test(username)) throw new Error('username must be 4-30 letters, digits or underscores');
  if (roles.length === 0 || !roles.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) throw new Error(`roles must be a comma-separated subset of ${STAFF_ROLES.join(',')}`);
  const problems = staffPasswordProblems(password, { username });
  if (problems.length > 0) throw new Error(`password rejected: ${problems.join('；')}`);
  if ((await accounts.takenClaims([{ kind: 'login_name', value: username }])).length > 0) throw new Error(`login name ${username} is already taken`);
  const accountId = randomUUID();
  const hash = await hasher.hash(password);
  await withTransaction(accounts.pool, async (client) => {
    await accounts.insertAccount(client, { account_id: accountId, kind: 'staff', institution_id: null, password_hash: hash, roles });
    await accounts.insertClaims(client, accountId, [{ kind: 'login_name', value: username }]);
  });
  return { accountId, roles };
}

/** Reads the whole of standard input (a pipe or a redirected file); the password never appears on a command line. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('type the password on standard input: echo "$PASSWORD" | node dist/apps/identity/main.js create-staff <username> <role,...> [显示名]');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * `printf '%s\n' "$PASSWORD" | node dist/apps/identity/main.js create-staff <username> <role,...> [显示名]`
 * For bootstrapping the first super-admin; every other staff account is created in the console, where the new staff
 * member sets their own password. Goes through the staff stream, so the account is audited and announced like those.
 */
export async function createStaffCommand(context: INestApplicationContext, args: string[]): Promise<void> {
  const [username, roles, displayName] = args;
  if (!username || !roles || args.length > 3) throw new Error('usage: create-staff <username> <role,...> [显示名]   (password on standard input)');
  const password = await readStdin();
  const roleList = [...new Set(roles.split(',').map((r) => r.trim()).filter(Boolean))];
  if (!LOGIN_NAME_PATTERN.test(username)) throw new Error('username must be 4-30 letters, digits or underscores');
  if (roleList.length === 0 || !roleList.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) throw new Error(`roles must be a comma-separated subset of ${STAFF_ROLES.join(',')}`);
  const problems = staffPasswordProblems(password, { username });
  if (problems.length > 0) throw new Error(`password rejected: ${problems.join('；')}`);
  const accounts = context.get(AccountsRepository);
  if ((await accounts.takenClaims([{ kind: 'login_name', value: username }])).length > 0) throw new Error(`login name ${username} is already taken`);
  const created = await context.get(StaffAccountsService).create({ username, displayName: displayName ?? username, roles: roleList as StaffRole[] }, 'system:cli', password);
  console.log(JSON.stringify({ created: username, accountId: created.accountId, roles: created.roles }));
}
