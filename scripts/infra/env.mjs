// Addresses and paths for local infrastructure; every value can be overridden by the environment.
import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kafkaPom = readFileSync(join(repoRoot, 'tools', 'kafka', 'pom.xml'), 'utf8');
export const kafkaVersion = /<kafka\.version>([^<]+)</.exec(kafkaPom)[1];

const [kafkaHost, kafkaPort] = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':');

export const env = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  kafkaHost,
  kafkaPort: Number(kafkaPort),
  kafkaControllerPort: Number(process.env.KAFKA_CONTROLLER_PORT ?? 9093),
  kafkaHeap: process.env.KAFKA_HEAP ?? '512m',
  kafkaJarsDir: join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lsc-membership', `kafka-${kafkaVersion}`, 'libs'),
  varDir: process.env.LSC_VAR_DIR ?? join(repoRoot, '.var'),
  pgHost: process.env.PGHOST ?? '127.0.0.1',
  pgPort: Number(process.env.PGPORT ?? 5432),
  pgUser: process.env.PGUSER ?? 'postgres',
  pgPassword: process.env.PGPASSWORD ?? '',
  databases: (process.env.LSC_DATABASES ?? 'identity,membership,billing,notification').split(','),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export const kafkaDir = join(env.varDir, 'kafka');
