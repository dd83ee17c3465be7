import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { STAFF_ROLES } from '@lsc/service-kit';
import { withTransaction } from '@lsc/event-sourcing';
import { passwordProblems } from '@lsc/validation';
import { PasswordHasher } from '../auth';
import { AccountsRepository } from '../infra/accounts.repository';
import { LOGIN_NAME_PATTERN } from '../http/registration.dto';

/**
 * Staff accounts (finance, member_admin, super_admin) exist only through this command, never through the public API,
 * and the table's check constraint keeps staff roles off institution accounts.
 */
export async function createStaff(accounts: AccountsRepository, hasher: PasswordHasher, username: string, password: string, rolesCsv: string): Promise<{ accountId: string; roles: string[] }> {
  const roles = [...new Set(rolesCsv.split(',').map((r) => r.trim()).filter(Boolean))];
  if (!LOGIN_NAME_PATTERN.test(username)) throw new Error('username must be 4-30 letters, digits or underscores');
  if (roles.length === 0 || !roles.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) throw new Error(`roles must be a comma-separated subset of ${STAFF_ROLES.join(',')}`);
  const problems = passwordProblems(password);
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

/** `node dist/apps/identity/main.js create-staff <username> <password> <role,...>` */
export async function createStaffCommand(context: INestApplicationContext, args: string[]): Promise<void> {
  const [username, password, roles] = args;
  if (!username || !password || !roles) throw new Error('usage: create-staff <username> <password> <role,...>');
  const created = await createStaff(context.get(AccountsRepository), context.get(PasswordHasher), username, password, roles);
  console.log(JSON.stringify({ created: username, accountId: created.accountId, roles: created.roles }));
}
