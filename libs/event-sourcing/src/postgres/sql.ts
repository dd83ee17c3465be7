import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { transactionBegan, transactionFinished } from './transaction-hooks';

/** Anything that runs SQL: a pool, a checked-out client, or a transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export class TransactionRolledBack extends Error {
  constructor() {
    super('the transaction was rolled back at COMMIT: a statement inside it failed and its error was swallowed');
    this.name = 'TransactionRolledBack';
  }
}

/** Runs fn in one transaction on a dedicated client; rolls back on any error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    transactionBegan(client);
    const result = await fn(client);
    // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error: if a failed statement's error was
    // swallowed inside fn, nothing was written — say so instead of reporting success (and acking a message).
    const committed = await client.query('commit');
    if (committed.command !== 'COMMIT') throw new TransactionRolledBack();
    transactionFinished(client, true);
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    transactionFinished(client, false);
    throw err;
  } finally {
    client.release();
  }
}

export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505' && (!constraint || (err as { constraint?: string }).constraint === constraint);
