#!/usr/bin/env node
// npm run dlt -- list <topic> [--limit N]      show dead letters of <topic> (reads <topic>.dlt from the beginning)
// npm run dlt -- replay <topic> [--offsets a,b] re-publish dead letters to <topic> after a fix; consumers' inboxes make
//                                               a replay safe to repeat. A dedicated consumer group remembers what was
//                                               replayed, so a second replay only sends newer dead letters.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { env } from './infra/env.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const [command, topic, ...rest] = process.argv.slice(2);
const option = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
if (!['list', 'replay'].includes(command) || !topic) {
  console.error('usage: npm run dlt -- list <topic> [--limit N] | replay <topic> [--offsets a,b]');
  process.exit(2);
}
const dlt = topic.endsWith('.dlt') ? topic : `${topic}.dlt`;
const original = dlt.slice(0, -4);
// In the cluster: TLS with the cluster CA and SCRAM as KafkaUser lsc-ops, the same variables the services read.
const ssl = /^(true|1|yes)$/i.test(process.env.KAFKA_SSL ?? '') ? (process.env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(process.env.KAFKA_SSL_CA_FILE, 'utf8')] } : true) : undefined;
const sasl = process.env.KAFKA_SASL_MECHANISM
  ? { mechanism: process.env.KAFKA_SASL_MECHANISM, username: process.env.KAFKA_SASL_USERNAME, password: process.env.KAFKA_SASL_PASSWORD }
  : undefined;
const kafka = new Kafka({ clientId: 'lsc-dlt', brokers: env.kafkaBrokers.split(','), ssl, sasl, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const ends = await admin.fetchTopicOffsets(dlt);
const total = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
const header = (m, k) => m.headers?.[k]?.toString() ?? '';

if (command === 'list') {
  const limit = Number(option('limit') ?? 100);
  console.log(`${dlt}: ${total} dead letter(s)`);
  const consumer = kafka.consumer({ groupId: `lsc-dlt-list-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: dlt, fromBeginning: true });
  let seen = 0;
  await new Promise((resolve) => {
    if (total === 0) return resolve();
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen += 1;
        if (seen <= limit) {
          console.log(`- partition ${partition} offset ${message.offset} | from ${header(message, 'dlt-original-topic')}@${header(message, 'dlt-original-offset')} | ${header(message, 'dlt-error-class')}: ${header(message, 'dlt-error')} | ${header(message, 'dlt-failed-at')}`);
        }
        if (seen >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
} else {
  const only = option('offsets')?.split(',');
  const consumer = kafka.consumer({ groupId: `lsc-dlt-replay-${original}` });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: dlt, fromBeginning: true });
  const committed = await admin.fetchOffsets({ groupId: `lsc-dlt-replay-${original}`, topics: [dlt] });
  const pending = ends.reduce((sum, p) => {
    const done = Number(committed[0]?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
    return sum + Number(p.high) - Math.max(done, Number(p.low));
  }, 0);
  let replayed = 0;
  let handled = 0;
  await new Promise((resolve) => {
    if (pending === 0) return resolve();
    consumer.run({
      eachMessage: async ({ message }) => {
        handled += 1;
        if (!only || only.includes(message.offset)) {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).filter(([k]) => !k.startsWith('dlt-')));
          await producer.send({ topic: original, acks: -1, messages: [{ key: message.key, value: message.value, headers: { ...headers, 'replayed-from-dlt': dlt } }] });
          replayed += 1;
        }
        if (handled >= pending) resolve();
      },
    });
  });
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  console.log(`replayed ${replayed} dead letter(s) from ${dlt} to ${original}`);
}
await admin.disconnect();
