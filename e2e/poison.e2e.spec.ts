/**
 * Issue 9, bad input on the wire: ≥ 1,000 malformed messages on every topic the running services consume. Each one
 * must end in `<topic>.dlt` (once per consuming service, with its dlt-* headers), nothing may block a partition (the
 * groups' lag returns to 0) and every service stays ready. Runs against the stack of `npm run test:e2e`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const GROUPS = ['identity', 'membership', 'billing', 'notification'];
const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PER_TOPIC = Number(process.env.E2E_POISON_PER_TOPIC ?? 1000);
const RUN = randomUUID().slice(0, 8);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const envelope = (type: string, data: unknown, over: Record<string, unknown> = {}) => ({
  eventId: randomUUID(), type, schemaVersion: 1, streamId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: `poison-${RUN}`, data, ...over,
});

/** Every way a producer (or a bit flip) can get a message wrong that an envelope check must catch. */
function malformed(n: number, types: string[]): Buffer | null {
  const type = types[n % types.length]!;
  const kinds: Array<() => Buffer | null> = [
    () => Buffer.from(`{"eventId": "${randomUUID()}", "type": `),
    () => Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1]),
    () => Buffer.concat([Buffer.from(`{"eventId":"${randomUUID()}","type":"${type}","schemaVersion":1,"streamId":"s","occurredAt":"2026-09-01T00:00:00.000Z","correlationId":"c","data":{"name":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]),
    () => Buffer.from(JSON.stringify([envelope(type, {})])),
    () => Buffer.from(JSON.stringify('just a string')),
    () => Buffer.from('42'),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), eventId: 'not-a-uuid' })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), type: "'; drop table es_events; --" })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), schemaVersion: 0 })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), occurredAt: 'yesterday' })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), data: null })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), data: 'x'.repeat(10) })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), streamId: 'x'.repeat(5000) })),
    () => Buffer.from(JSON.stringify({ ...envelope(type, {}), correlationId: undefined })),
    () => Buffer.from(''),
    () => null,
  ];
  return kinds[n % kinds.length]!();
}

async function ready(port: number): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  return r?.status === 200;
}

describe('≥ 1,000 malformed Kafka messages on every consumed topic', () => {
  const kafka = new Kafka({ clientId: `e2e-poison-${RUN}`, brokers: BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('all land in the dead-letter topics, the services stay ready and their lag returns to 0', async () => {
    // Which service consumes which topic: the assignments of the live consumer groups.
    const consumersOf = new Map<string, Set<string>>();
    const described = await admin.describeGroups(GROUPS);
    for (const g of described.groups) {
      for (const m of g.members) {
        const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        for (const topic of Object.keys(assignment?.assignment ?? {})) consumersOf.set(topic, (consumersOf.get(topic) ?? new Set()).add(g.groupId));
      }
    }
    const topics = [...consumersOf.keys()].filter((t) => !t.endsWith('.dlt'));
    expect(topics.length).toBeGreaterThanOrEqual(3);

    const types: Record<string, string[]> = {
      'identity.events.v1': ['identity.InstitutionRegistered', 'identity.InstitutionNameChanged', 'identity.EmailChanged'],
      'membership.events.v1': ['membership.ApplicationSubmitted', 'membership.MembershipActivated', 'membership.ApplicationCancelled'],
      'billing.events.v1': ['billing.PaymentOrderIssued', 'billing.PaymentOrderPaid', 'billing.InvoiceIssued'],
    };
    const dltBefore = new Map<string, number>();
    for (const t of topics) dltBefore.set(t, (await admin.fetchTopicOffsets(`${t}.dlt`)).reduce((s, p) => s + Number(p.high), 0));

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (const t of topics) {
      const messages = Array.from({ length: PER_TOPIC }, (_, n) => ({ key: `poison-${RUN}-${n}-${randomInt(1e6)}`, value: malformed(n, types[t] ?? ['x.Unknown']) }));
      for (let i = 0; i < messages.length; i += 200) await producer.send({ topic: t, acks: -1, messages: messages.slice(i, i + 200) });
    }
    await producer.disconnect();

    // Every consuming group dead-letters every one of them (each DLT entry names its consumer in dlt-consumer).
    const expected = (t: string) => PER_TOPIC * (consumersOf.get(t)?.size ?? 0);
    const deadlines = Date.now() + 300_000;
    const added = async (t: string) => (await admin.fetchTopicOffsets(`${t}.dlt`)).reduce((s, p) => s + Number(p.high), 0) - dltBefore.get(t)!;
    for (const t of topics) {
      while ((await added(t)) < expected(t) && Date.now() < deadlines) await sleep(1000);
    }
    const report = await Promise.all(topics.map(async (t) => ({ topic: t, consumers: [...(consumersOf.get(t) ?? [])], sent: PER_TOPIC, deadLettered: await added(t) })));
    console.log(`[poison] ${JSON.stringify(report)}`);
    for (const r of report) expect(r.deadLettered).toBeGreaterThanOrEqual(r.sent * r.consumers.length);

    // Read back what this run put there: every DLT entry carries the error class and the consumer.
    const seen = new Map<string, Set<string>>();
    const consumer = kafka.consumer({ groupId: `e2e-poison-audit-${RUN}` });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => `${t}.dlt`), fromBeginning: true });
    const ours = report.reduce((s, r) => s + r.sent * r.consumers.length, 0);
    let count = 0;
    const classes = new Map<string, number>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${count}/${ours} of this run's dead letters`)), 180_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = String(message.key ?? '');
          if (!key.startsWith(`poison-${RUN}-`)) return;
          const by = String(message.headers?.['dlt-consumer'] ?? '');
          expect(by).not.toBe('');
          const cls = String(message.headers?.['dlt-error-class'] ?? '');
          classes.set(cls, (classes.get(cls) ?? 0) + 1);
          const set = seen.get(key) ?? new Set<string>();
          set.add(by);
          seen.set(key, set);
          if (++count >= ours) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    console.log(`[poison] dead letters of this run by error class: ${JSON.stringify(Object.fromEntries(classes))}`);
    expect(seen.size).toBe(PER_TOPIC * topics.length);
    expect([...classes.keys()]).toEqual(['contract_violation']);

    // Nothing blocks: lag back to 0 on the consumed topics, and every service ready.
    const lag = async () => {
      let total = 0;
      for (const g of GROUPS) {
        for (const t of await admin.fetchOffsets({ groupId: g, topics })) {
          if (!consumersOf.get(t.topic)?.has(g)) continue;
          const ends = await admin.fetchTopicOffsets(t.topic);
          for (const p of t.partitions) total += Math.max(0, Number(ends.find((e) => e.partition === p.partition)!.high) - Math.max(0, Number(p.offset)));
        }
      }
      return total;
    };
    let l = await lag();
    for (let i = 0; i < 60 && l > 0; i++) {
      await sleep(1000);
      l = await lag();
    }
    expect(l).toBe(0);
    const port = Number(new URL(BASE).port || 80);
    const offset = port - 3000;
    for (const p of [3000, 3001, 3002, 3003, 3004]) expect(await ready(p + offset)).toBe(true);
  });
});
