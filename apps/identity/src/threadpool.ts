import { availableParallelism } from 'node:os';

/**
 * argon2 (@node-rs/argon2) runs each hash on libuv's thread pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise.
 * Four threads per core, at least libuv's 4 (file and DNS work share the pool), at most 16 (each hash holds 19 MiB).
 * What the pool size does, measured with `npm run bench -- login` on 2 cores (30-s runs, alternated): raw argon2 alone
 * is about a quarter faster with one thread per core than with four (concurrent 19 MiB working sets evict each other
 * from the caches), but logins through the gateway came out the same within this machine's noise (2 threads 97–131,
 * 3 threads 120–133, 8 threads 104–134 logins/s): the service's other processes share those cores and caches anyway.
 * The default stays until a quieter machine tells them apart. libuv reads the variable once, when the pool first
 * starts, so this module is imported before anything else in main.ts. An explicit UV_THREADPOOL_SIZE wins (the
 * Kubernetes config sets it from the container's CPU limit).
 */
export const argon2PoolSize = (): number => Math.max(4, Math.min(16, 4 * availableParallelism()));

process.env.UV_THREADPOOL_SIZE ??= String(argon2PoolSize());
