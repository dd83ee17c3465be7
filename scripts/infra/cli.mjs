#!/usr/bin/env node
// npm run infra:up | infra:down | infra:status
import { startKafka, stopKafka, ensureTopics, brokerAnswers, brokerPid } from './kafka.mjs';
import { startPostgres, postgresAnswers } from './postgres.mjs';
import { startRedis, redisAnswers } from './redis.mjs';
import { env, kafkaVersion } from './env.mjs';

export async function up() {
  await startPostgres();
  await startRedis();
  await startKafka();
  await ensureTopics();
}

async function status() {
  const [pg, redis, kafka] = await Promise.all([postgresAnswers(), redisAnswers(), brokerAnswers()]);
  const rows = [
    ['postgres', `${env.pgHost}:${env.pgPort}`, pg ? `healthy (${pg})` : 'DOWN'],
    ['redis', env.redisUrl, redis ? `healthy (${redis})` : 'DOWN'],
    ['kafka', env.kafkaBrokers, kafka ? `healthy (Kafka ${kafkaVersion}, ${kafka.brokers.length} broker, pid ${brokerPid() ?? 'external'})` : 'DOWN'],
  ];
  for (const [name, where, state] of rows) console.log(`${name.padEnd(10)} ${where.padEnd(26)} ${state}`);
  return rows.every(([, , s]) => !s.startsWith('DOWN'));
}

const command = process.argv[2];
if (import.meta.url === `file://${process.argv[1]}`) {
  const run = { up, down: stopKafka, status }[command];
  if (!run) {
    console.error('usage: cli.mjs up|down|status');
    process.exit(2);
  }
  run()
    .then((ok) => process.exit(ok === false ? 1 : 0))
    .catch((err) => {
      console.error(`[infra] ${err.message}`);
      process.exit(1);
    });
}
