import { availableParallelism } from 'node:os';

/**
 * argon2 (@node-rs/argon2) runs each hash on libuv's thread pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise:
 * on a machine with more cores, logins would queue for 4 threads while cores sit idle. One thread per core, never
 * fewer than libuv's 4 (file and DNS work share the pool). libuv reads the variable once, when the pool first starts,
 * so this module is imported before anything else in main.ts. An explicit UV_THREADPOOL_SIZE wins.
 */
export const argon2PoolSize = (): number => Math.max(4, availableParallelism());

process.env.UV_THREADPOOL_SIZE ??= String(argon2PoolSize());
