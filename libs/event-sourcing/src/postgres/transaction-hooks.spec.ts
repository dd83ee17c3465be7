import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { withTransaction } from './sql';
import { afterTransaction } from './transaction-hooks';

describe('afterTransaction (real PostgreSQL): work that waits for a transaction’s outcome', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('es_tx_hooks', 'create table hooked (n int primary key)');
  });
  afterAll(() => db?.drop());

  it('runs once the COMMIT has returned, when the row is visible to other sessions', async () => {
    const seen: Array<{ committed: boolean; visible: number }> = [];
    const pending: Array<Promise<void>> = [];
    await withTransaction(db.pool, async (client) => {
      await client.query('insert into hooked values (1)');
      expect(afterTransaction(client, (committed) => pending.push(db.pool.query('select count(*)::int as n from hooked where n = 1').then((r) => void seen.push({ committed, visible: r.rows[0].n })))) ).toBe(true);
      expect(pending).toHaveLength(0); // not while the transaction is open
    });
    await Promise.all(pending);
    expect(seen).toEqual([{ committed: true, visible: 1 }]);
  });

  it('runs with committed = false after a rollback, and a failing hook spoils neither the others nor the outcome', async () => {
    const outcomes: string[] = [];
    await expect(
      withTransaction(db.pool, async (client) => {
        await client.query('insert into hooked values (2)');
        afterTransaction(client, () => {
          throw new Error('hook failed');
        });
        afterTransaction(client, (committed) => outcomes.push(`second:${committed}`));
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(outcomes).toEqual(['second:false']);
    expect((await db.pool.query('select count(*)::int as n from hooked where n = 2')).rows[0].n).toBe(0);

    await withTransaction(db.pool, async (client) => {
      afterTransaction(client, () => {
        throw new Error('hook failed');
      });
      afterTransaction(client, (committed) => outcomes.push(`third:${committed}`));
    });
    expect(outcomes).toEqual(['second:false', 'third:true']);
  });

  it('refuses (returns false, never runs the hook) outside a transaction begun by withTransaction, and hooks do not carry over to the pooled client’s next transaction', async () => {
    const ran: boolean[] = [];
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      expect(afterTransaction(client, (c) => ran.push(c))).toBe(false);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(afterTransaction(db.pool, (c) => ran.push(c))).toBe(false);
    let used: object | undefined;
    await withTransaction(db.pool, async (c) => {
      used = c;
      afterTransaction(c, (committed) => ran.push(committed));
    });
    await withTransaction(db.pool, async () => undefined);
    expect(ran).toEqual([true]);
    expect(afterTransaction(used!, () => ran.push(false))).toBe(false);
  });
});
