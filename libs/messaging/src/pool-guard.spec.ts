import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { guardCheckedOutClients } from './nest';

describe('a checked-out PostgreSQL client whose connection is terminated (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('poolguard');
  });
  afterAll(() => db.drop());

  it('is logged and dropped instead of ending the process with an unhandled error event', async () => {
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const warnings: unknown[] = [];
    guardCheckedOutClients(pool, { warn: (o: unknown) => void warnings.push(o) } as never);
    const client = await pool.connect();
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    // What a PostgreSQL restart does to every session: 57P01, terminating connection due to administrator command.
    await db.pool.query('select pg_terminate_backend($1)', [pid]);
    for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(warnings.length).toBeGreaterThanOrEqual(1); // the FATAL message, sometimes also "terminated unexpectedly"
    client.release(true);
    // The pool goes on with a fresh connection.
    expect((await pool.query('select 1 as one')).rows[0].one).toBe(1);
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    await pool.end();
  });
});
