import { verify } from '@node-rs/argon2';
import { runFor } from '../common';

/** argon2id verifications of one hash in `concurrency` lanes for `ms`: how many finished, and in what time. */
export async function verifyFor(encoded: string, password: string, ms: number, concurrency: number): Promise<{ done: number; seconds: number }> {
  const started = performance.now();
  const done = await runFor(ms, concurrency, () => verify(encoded, password).then(() => undefined));
  return { done, seconds: (performance.now() - started) / 1000 };
}
