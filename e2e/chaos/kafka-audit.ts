/**
 * What the broker holds after the run, read with a fresh consumer group from offset 0: every integration event (by id)
 * and every dead letter, plus the services' consumer lag. The chaos suite's "0 lost / 0 duplicates / 0 dead letters"
 * figures come from here and from the services' own inbox tables — not from the services' answers.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { parseExposition, sampleValue } from '../support/exposition';

export interface SeenEvent {
  eventId: string;
  type: string;
  institutionId?: string;
  deliveries: number;
}

export interface DeadLetter {
  topic: string;
  eventType?: string;
  error?: string;
}

const SERVICE_GROUPS = ['identity', 'membership', 'billing', 'notification'];

export async function readTopics(brokers: string, topics: string[]): Promise<Array<{ topic: string; value: Buffer | null; headers: Record<string, string> }>> {
  const kafka = new Kafka({ clientId: 'chaos-audit', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const end = Number(p.high);
        if (end > Number(p.low)) remaining.set(`${topic}/${p.partition}`, end);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const out: Array<{ topic: string; value: Buffer | null; headers: Record<string, string> }> = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `chaos-audit-${randomUUID()}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`audit read incomplete: ${[...remaining.keys()].join(', ')}`)), 180_000);
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(Array.isArray(v) ? v[0] : v);
          out.push({ topic, value: message.value, headers });
          const key = `${topic}/${partition}`;
          if (Number(message.offset) + 1 >= (remaining.get(key) ?? Infinity)) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

export async function auditEvents(brokers: string, topics: string[]): Promise<Map<string, SeenEvent>> {
  const seen = new Map<string, SeenEvent>();
  for (const m of await readTopics(brokers, topics)) {
    let event: { eventId?: string; type?: string; data?: { institutionId?: string } };
    try {
      event = JSON.parse(String(m.value));
    } catch {
      continue;
    }
    if (!event.eventId || !event.type) continue;
    const known = seen.get(event.eventId);
    if (known) known.deliveries += 1;
    else seen.set(event.eventId, { eventId: event.eventId, type: event.type, institutionId: event.data?.institutionId, deliveries: 1 });
  }
  return seen;
}

export async function deadLetters(brokers: string, topics: string[]): Promise<DeadLetter[]> {
  return (await readTopics(brokers, topics.map((t) => `${t}.dlt`))).map((m) => ({ topic: m.topic, eventType: m.headers['event-type'], error: m.headers['dlt-error'] ?? m.headers['dlt-reason'] ?? Object.entries(m.headers).filter(([k]) => k.startsWith('dlt-')).map(([k, v]) => `${k}=${v}`).join(' ') }));
}

async function lagOf(admin: Admin, topics: string[]): Promise<number> {
  let lag = 0;
  for (const groupId of SERVICE_GROUPS) {
    for (const t of await admin.fetchOffsets({ groupId, topics })) {
      // A topic on which the group never committed anything is one it does not consume.
      if (t.partitions.every((p) => Number(p.offset) < 0)) continue;
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = ends.find((e) => e.partition === p.partition);
        const at = Number(p.offset);
        // -1 on one partition of a consumed topic: nothing committed there yet, so all of it is still to be read.
        lag += Math.max(0, Number(end?.high ?? 0) - (at < 0 ? Number(end?.low ?? 0) : at));
      }
    }
  }
  return lag;
}

/**
 * The service consumer groups that are not consuming: without a member, or rebalancing. A restarted service answers
 * HTTP at once, but its consumer joins only once the coordinator has given up on the killed member. Empty: all consume.
 */
export async function groupsNotConsuming(brokers: string): Promise<string[]> {
  // Few, short retries: the caller polls, and a probe sitting in kafkajs' backoff would count as time not consuming.
  const admin = new Kafka({ clientId: 'chaos-groups', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 2 } }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups(SERVICE_GROUPS);
    // Dead: no members and no offsets, a service that consumes nothing (identity). A killed member's group is Empty.
    return groups.filter((g) => g.state !== 'Dead' && !(g.state === 'Stable' && g.members.length > 0)).map((g) => `${g.groupId} ${g.state}`);
  } catch (err) {
    return [`broker: ${(err as Error).message}`]; // still coming back
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The consuming services whose own consumer is not in its group (`kafka_consumer_joined` on /metrics is not 1). The
 * broker's view alone misses a restarted broker: it reloads each group as Stable with its old members while the
 * services, whose consumers crashed during the outage, are still rejoining.
 */
export async function servicesNotInGroup(ports: Record<'membership' | 'billing' | 'notification', number>): Promise<string[]> {
  const pending: string[] = [];
  for (const [service, port] of Object.entries(ports)) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.text())
      .catch(() => ''); // restarting or stopped: not joined
    if (sampleValue(parseExposition(text), 'kafka_consumer_joined', { group: service }) !== '1') pending.push(`${service} consumer not joined`);
  }
  return pending;
}

export async function consumerLag(brokers: string, topics: string[]): Promise<number> {
  const admin = new Kafka({ clientId: 'chaos-lag', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await lagOf(admin, topics);
  } finally {
    await admin.disconnect();
  }
}
