// Runs a real single-node Apache Kafka broker (KRaft) from its Maven Central jars with the machine's Java.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { env, kafkaDir, kafkaVersion, repoRoot } from './env.mjs';
import { log, sleep } from './log.mjs';

const require = createRequire(import.meta.url);
const pidFile = join(kafkaDir, 'kafka.pid');
const dataDir = join(kafkaDir, 'data');
const logsDir = join(kafkaDir, 'logs');
const propsFile = join(kafkaDir, 'server.properties');

function javaMajorVersion() {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out.stderr + out.stdout);
  if (!m) return null;
  return Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
}

export function ensureJars() {
  if (existsSync(env.kafkaJarsDir) && readdirSync(env.kafkaJarsDir).some((f) => f.startsWith('kafka_2.13-'))) return;
  const major = javaMajorVersion();
  if (!major || major < 17) throw new Error(`Kafka ${kafkaVersion} needs Java 17+ on PATH (found: ${major ?? 'none'}). Install a JDK (apt-get install -y openjdk-17-jre-headless).`);
  log('kafka', `fetching Kafka ${kafkaVersion} jars from Maven Central into ${env.kafkaJarsDir}`);
  mkdirSync(env.kafkaJarsDir, { recursive: true });
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(repoRoot, 'tools', 'kafka', 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${env.kafkaJarsDir}`], { stdio: 'inherit' });
  if (mvn.error || mvn.status !== 0) {
    rmSync(env.kafkaJarsDir, { recursive: true, force: true });
    throw new Error('mvn could not fetch the Kafka jars (is Maven installed? apt-get install -y maven)');
  }
}

function javaArgs(mainClass, args) {
  return [
    `-Xmx${env.kafkaHeap}`, `-Xms${env.kafkaHeap}`, '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${logsDir}`, `-Dlog4j2.configurationFile=${join(repoRoot, 'tools', 'kafka', 'log4j2.properties')}`,
    '-cp', `${env.kafkaJarsDir}/*`, mainClass, ...args,
  ];
}

function writeProperties() {
  const template = readFileSync(join(repoRoot, 'tools', 'kafka', 'server.properties.template'), 'utf8');
  const values = { HOST: env.kafkaHost, PORT: env.kafkaPort, CONTROLLER_PORT: env.kafkaControllerPort, DATA_DIR: dataDir };
  writeFileSync(propsFile, template.replace(/\$\{(\w+)\}/g, (_, k) => String(values[k])));
}

function ensureFormatted() {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  mkdirSync(dataDir, { recursive: true });
  const uuid = spawnSync('java', javaArgs('kafka.tools.StorageTool', ['random-uuid']), { encoding: 'utf8' });
  const clusterId = uuid.stdout.trim().split('\n').pop();
  if (uuid.status !== 0 || !clusterId) throw new Error(`StorageTool random-uuid failed: ${uuid.stderr}`);
  const fmt = spawnSync('java', javaArgs('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', propsFile]), { encoding: 'utf8' });
  if (fmt.status !== 0) throw new Error(`StorageTool format failed: ${fmt.stderr || fmt.stdout}`);
  log('kafka', `formatted KRaft storage (cluster ${clusterId})`);
}

export function brokerPid() {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export async function brokerAnswers(timeoutMs = 3000) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'lsc-infra', brokers: [env.kafkaBrokers.split(',')[0]], logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: timeoutMs, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? cluster : null;
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function startKafka({ timeoutMs = 90000 } = {}) {
  if (await brokerAnswers()) {
    log('kafka', `already answering on ${env.kafkaBrokers}${brokerPid() ? ` (pid ${brokerPid()})` : ' (started elsewhere)'}`);
    return;
  }
  ensureJars();
  mkdirSync(logsDir, { recursive: true });
  writeProperties();
  ensureFormatted();
  const out = openSync(join(logsDir, 'stdout.log'), 'a');
  const child = spawn('java', javaArgs('kafka.Kafka', [propsFile]), { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  log('kafka', `starting Kafka ${kafkaVersion} (pid ${child.pid}), logs in ${logsDir}`);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (!brokerPid()) throw new Error(`Kafka exited during start-up; see ${join(logsDir, 'server.log')} and stdout.log`);
    if (await brokerAnswers()) {
      log('kafka', `ready on ${env.kafkaBrokers} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    await sleep(500);
  }
  throw new Error(`Kafka did not answer a metadata request within ${timeoutMs / 1000} s`);
}

export async function stopKafka() {
  const pid = brokerPid();
  if (!pid) {
    log('kafka', 'not running (no pid of ours)');
    return;
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 60 && brokerPid(); i++) await sleep(500);
  if (brokerPid()) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  log('kafka', `stopped (pid ${pid})`);
}

/** Runs `step` until it succeeds, for up to 60 s, retrying only errors Kafka marks retriable. */
async function retrying(what, step) {
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!err?.retriable || Date.now() > deadline) throw new Error(`kafka: ${what} failed after ${attempt} attempts: ${err?.message ?? err}`, { cause: err });
      await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1000)));
    }
  }
}

export async function ensureTopics() {
  const { Kafka, logLevel } = require('kafkajs');
  const spec = JSON.parse(readFileSync(join(repoRoot, 'libs', 'contracts', 'src', 'topics.json'), 'utf8'));
  const admin = new Kafka({ clientId: 'lsc-infra', brokers: env.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const sizeEntry = (t) => (t.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []);
    const wanted = spec.topics.flatMap((t) => [
      { topic: t.name, numPartitions: spec.partitions, configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }, ...sizeEntry(t)] },
      { topic: `${t.name}.dlt`, numPartitions: spec.partitions, configEntries: [{ name: 'retention.ms', value: '-1' }, ...sizeEntry(t)] },
    ]);
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // kafkajs's waitForLeaders retries only LEADER_NOT_AVAILABLE; a broker formatted seconds ago can also answer
      // UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created (seen on a fresh CI machine), which escaped as a
      // crash. Create, then wait for every partition's leader ourselves, retrying what Kafka calls retriable.
      await retrying('create topics', () => admin.createTopics({ topics: missing, waitForLeaders: false }));
      await retrying('wait for partition leaders', async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: missing.map((t) => t.topic) });
        const leaderless = topics.filter((t) => t.partitions.length < spec.partitions || t.partitions.some((p) => p.leader < 0));
        if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`), { retriable: true });
      });
      log('kafka', `created topics: ${missing.map((t) => t.topic).join(', ')}`);
    }
    // Topics created by an older checkout get the current settings too (alterConfigs replaces the listed keys).
    const present = wanted.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      await admin.alterConfigs({ validateOnly: false, resources: present.map((t) => ({ type: 2, name: t.topic, configEntries: t.configEntries })) });
    }
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
