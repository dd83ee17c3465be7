import { availableParallelism } from 'node:os';

/**
 * argon2 (@node-rs/argon2) runs each hash on libuv's thread pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise.
 * Four threads per core, at least libuv's 4 (file and DNS work share the pool), at most 16 (each hash holds 19 MiB):
 * with one thread per core, a verification waits in libuv's queue while its thread's login is elsewhere (the gateway,
 * Redis, PostgreSQL) and the cores idle. Measured with `npm run bench -- login` on 2 cores: 4 threads 0.58–0.63 of the
 * raw argon2 rate, 8 threads 0.66–0.67, 16 threads 0.67. libuv reads the variable once, when the pool first starts, so
 * this module is imported before anything else in main.ts. An explicit UV_THREADPOOL_SIZE wins (the Kubernetes
 * config sets it from the container's CPU limit).
 */
export const argon2PoolSize = (): number => Math.max(4, Math.min(16, 4 * availableParallelism()));

process.env.UV_THREADPOOL_SIZE ??= String(argon2PoolSize());
