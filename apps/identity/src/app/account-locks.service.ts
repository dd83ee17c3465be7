import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@lsc/service-kit';
import { accountStreamId, type AccountState } from '../domain/account';
import { AccountsRepository, type AccountRow } from '../infra/accounts.repository';
import { ACCOUNT_HANDLER, type AccountHandler } from './providers';
import { SessionsService } from './sessions.service';
import { metadata } from './shared';

export interface AccountLockView {
  institutionId: string;
  accountId: string;
  locked: boolean;
  reason: string | null;
  lockedBy: string | null;
  lockedAt: string | null;
}

const view = (account: AccountRow, state: AccountState): AccountLockView => ({
  institutionId: account.institution_id!,
  accountId: account.account_id,
  locked: state.staffLock !== undefined,
  reason: state.staffLock?.reason ?? null,
  lockedBy: state.staffLock?.lockedBy ?? null,
  lockedAt: state.staffLock?.lockedAt ?? null,
});

/**
 * Staff lock and unlock of institution accounts. The lock is an event on the account's stream (durable, audited with
 * the staff member as actor) and identity_accounts.locked_at is set in the same transaction for the login query.
 * Refresh tokens are revoked after the commit; should that fail, refresh still refuses a locked account.
 */
@Injectable()
export class AccountLocksService {
  constructor(
    @Inject(ACCOUNT_HANDLER) private readonly handler: AccountHandler,
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsService,
  ) {}

  async get(institutionId: string): Promise<AccountLockView> {
    const account = await this.institutionAccount(institutionId);
    const { state } = await this.handler.load(accountStreamId(account.account_id));
    return view(account, state);
  }

  async lock(institutionId: string, reason: string, staffId: string): Promise<AccountLockView> {
    const account = await this.institutionAccount(institutionId);
    const decided = await this.handler.handle(
      accountStreamId(account.account_id),
      { type: 'LockAccount', data: { accountId: account.account_id, institutionId, reason }, metadata: metadata(staffId) },
      { afterAppend: (client, d) => this.accounts.setLockedAt(client, account.account_id, d.state.staffLock!.lockedAt) },
    );
    await this.sessions.endAllSessions(account);
    return view(account, decided.state);
  }

  async unlock(institutionId: string, note: string | undefined, staffId: string): Promise<AccountLockView> {
    const account = await this.institutionAccount(institutionId);
    const decided = await this.handler.handle(
      accountStreamId(account.account_id),
      { type: 'UnlockAccount', data: { accountId: account.account_id, institutionId, ...(note ? { note } : {}) }, metadata: metadata(staffId) },
      { afterAppend: (client) => this.accounts.setLockedAt(client, account.account_id, null) },
    );
    return view(account, decided.state);
  }

  private async institutionAccount(institutionId: string): Promise<AccountRow> {
    const account = await this.accounts.findBySubject(institutionId);
    if (!account || account.kind !== 'institution') throw new ApiError(HttpStatus.NOT_FOUND, 'INSTITUTION_NOT_FOUND', '机构账号不存在');
    return account;
  }
}
