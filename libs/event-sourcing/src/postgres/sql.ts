import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

/** Anything that runs SQL: a pool, a checked-out client, or a transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** Runs fn in one transaction on a dedicated client; rolls back on any error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505' && (!constraint || (err as { constraint?: string }).constraint === constraint);
