/**
 * Micro-measure behind the relay's wake-up design (not part of `npm run bench`; run it with
 * `npx swc bench -d dist/bench --strip-leading-paths --config-file .swcrc -q && node -r reflect-metadata dist/bench/outbox-relay/commit-rate.js`).
 *
 * 1. Commit rate of outbox writers — the latency generator's transaction (BEGIN, one event appended through the event
 *    store with its integration event in the outbox, COMMIT) in closed loops of 1, 8 and 32 connections — for:
 *    - `notify_in_tx`: the old design, pg_notify inside the transaction, with a connection LISTENing (as the relay did);
 *    - `no_notify`: the current design (the relay polls);
 *    - `notify_after_commit`: a separate NOTIFY transaction after each commit with synchronous_commit off (a wake-up
 *      outside the writer's commit), also with a listener.
 * 2. What an idle relay's polling costs: CPU of this process and of the relay's PostgreSQL backend per second, at
 *    10 ms (the relay's fastest) and 50 ms (its idle ceiling) poll intervals (no Kafka traffic: the outbox stays empty), before and after a vacuum of the outbox.
 *
 * Prints one JSON line. Rounds alternate the modes (ABC, CBA) since the machine's load drifts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client, type Pool } from 'pg';
import { PostgresEventStore, EVENT_STORE_DDL, withTransaction } from '@lsc/event-sourcing';
import { OutboxRelay } from '@lsc/messaging';
import { createTestDatabase, testKafka, uniqueName } from '@lsc/testing';
import { round } from '../common';

type Mode = 'notify_in_tx' | 'no_notify' | 'notify_after_commit';
const POLL_MS = [10, 50];
const SECONDS = Number(process.env.COMMIT_RATE_SECONDS ?? 5);
const CONCURRENCY = (process.env.COMMIT_RATE_CLIENTS ?? '1,8,32').split(',').map(Number);

async function commitRate(pool: Pool, mode: Mode, clients: number): Promise<number> {
  const store = new PostgresEventStore(pool);
  const deadline = Date.now() + SECONDS * 1000;
  let commits = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const key = randomUUID();
        await withTransaction(pool, async (client) => {
          await store.append(`bench-${key}`, 'institution', 'no_stream', [{ eventId: randomUUID(), type: 'Registered', schemaVersion: 1, data: {}, metadata: { correlationId: 'bench', actor: 'bench', occurredAt: new Date().toISOString() } }], {
            client,
            outbox: [{ topic: 't', key, event: { eventId: randomUUID(), type: 'identity.InstitutionRegistered', schemaVersion: 1, streamId: key, occurredAt: new Date().toISOString(), correlationId: 'bench', data: { institutionId: key, name: '某某图书馆' } } }],
          });
          if (mode === 'notify_in_tx') await client.query(`select pg_notify('es_outbox', '')`);
        });
        if (mode === 'notify_after_commit') await pool.query(`begin; set local synchronous_commit = off; select pg_notify('es_outbox', ''); commit`);
        commits += 1;
      }
    }),
  );
  return commits / ((Date.now() - started) / 1000);
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
const procCpu = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function idlePollCost(pool: Pool, minPollMs: number, vacuumed: boolean): Promise<{ pollMs: number; vacuumed: boolean; nodeCpuPct: number; backendCpuPct: number }> {
  if (vacuumed) await pool.query('vacuum es_outbox');
  const relay = new OutboxRelay(pool, testKafka('commit-rate'), { lockName: uniqueName('relay'), minPollMs, idlePollMs: minPollMs, idleAfterMs: 0 });
  relay.start();
  while (!relay.leader) await new Promise((r) => setTimeout(r, 10));
  const lockClient = (relay as unknown as { lockClient: Client }).lockClient;
  const backendPid = Number((await lockClient.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid);
  await new Promise((r) => setTimeout(r, 500));
  const node0 = process.cpuUsage();
  const pg0 = procCpu(backendPid);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (Date.now() - t0) / 1000;
  const node = process.cpuUsage(node0);
  const pg = procCpu(backendPid) - pg0;
  await relay.stop();
  return { pollMs: minPollMs, vacuumed, nodeCpuPct: round(((node.user + node.system) / 1e6 / elapsed) * 100, 1), backendCpuPct: round((pg / elapsed) * 100, 1) };
}

async function main(): Promise<void> {
  const db = await createTestDatabase('commit_rate', EVENT_STORE_DDL, 40);
  const listener = new Client({ connectionString: db.url });
  await listener.connect();
  let notifications = 0;
  listener.on('notification', () => void (notifications += 1));
  await listener.query('listen es_outbox');
  const modes: Mode[] = ['notify_in_tx', 'no_notify', 'notify_after_commit'];
  const rates: Record<string, number[]> = {};
  try {
    for (const order of [modes, [...modes].reverse()]) {
      for (const clients of CONCURRENCY) {
        for (const mode of order) {
          const rate = await commitRate(db.pool, mode, clients);
          (rates[`${mode}_c${clients}`] ??= []).push(round(rate));
          console.log(`${mode} with ${clients} clients: ${rate.toFixed(0)} commits/s (load ${loadavg()[0].toFixed(2)})`);
          await db.pool.query('delete from es_outbox');
        }
      }
    }
    await listener.query('unlisten es_outbox');
    // First with the dead index entries the writers' rows left (a relay that just became leader reads from id 0 over
    // them until autovacuum has been), then vacuumed (the steady state).
    const poll = [];
    for (const vacuumed of [false, true]) for (const ms of POLL_MS) poll.push(await idlePollCost(db.pool, ms, vacuumed));
    for (const p of poll) console.log(`idle relay polling every ${p.pollMs} ms${p.vacuumed ? ' (vacuumed)' : ' (dead tuples)'}: node ${p.nodeCpuPct}% CPU, its PostgreSQL backend ${p.backendCpuPct}% CPU`);
    const mean = (a: number[]) => round(a.reduce((s, x) => s + x, 0) / a.length);
    console.log(
      JSON.stringify({
        measure: 'outbox-commit-rate',
        seconds_per_round: SECONDS,
        commits_per_s: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, { mean: mean(v), rounds: v }])),
        notifications_received: notifications,
        idle_poll_cost: poll,
        load_1m_end: round(loadavg()[0]),
      }),
    );
  } finally {
    await listener.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
