// Redis is a machine service here: start it if installed but stopped (it keeps nothing on disk: short-lived state only).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { env } from './env.mjs';
import { log, sleep } from './log.mjs';

const require = createRequire(import.meta.url);

export async function redisAnswers() {
  const Redis = require('ioredis');
  const r = new Redis(env.redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    const info = await r.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}

export async function startRedis() {
  let version = await redisAnswers();
  if (!version) {
    const url = new URL(env.redisUrl);
    log('redis', 'not answering; starting redis-server');
    spawnSync('redis-server', ['--daemonize', 'yes', '--bind', url.hostname, '--port', url.port || '6379', '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
    for (let i = 0; i < 20 && !version; i++) {
      await sleep(250);
      version = await redisAnswers();
    }
  }
  if (!version) throw new Error(`Redis does not answer at ${env.redisUrl}; install it (apt-get install -y redis-server) or set REDIS_URL`);
  log('redis', `ready at ${env.redisUrl} (${version})`);
}
