/**
 * The login bench's baseline: raw argon2id verifications in a process of its own, forked with a libuv pool of one
 * thread per core. libuv sizes its pool once per process, and the bench process has identity's larger pool (so that
 * it can measure at identity's setting too); only another process can measure at one thread per core.
 *
 * Why one thread per core is the machine's raw rate: each verification works through 19 MiB, and more concurrent
 * ones than cores evict each other from the caches. Measured here: 2 threads 260–310 verifications/s, 8 threads
 * 206–216/s on the same 2 cores, i.e. the larger pool costs each verification about a third more CPU.
 *
 * Protocol (IPC): the parent sends {encoded, password, ms, concurrency}; the child answers {done, seconds}.
 */
import { verifyFor } from './verify-loop';

interface Slice {
  encoded: string;
  password: string;
  ms: number;
  concurrency: number;
}

process.on('message', (slice: Slice) => {
  verifyFor(slice.encoded, slice.password, slice.ms, slice.concurrency).then(
    (result) => process.send?.(result),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
