import { verify } from '@node-rs/argon2';

/** One argon2id verification after another in `concurrency` lanes for `ms`: how many finished, and in what time. */
export async function verifyFor(encoded: string, password: string, ms: number, concurrency: number): Promise<{ done: number; seconds: number }> {
  let done = 0;
  const started = performance.now();
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await verify(encoded, password);
        done++;
      }
    }),
  );
  return { done, seconds: (performance.now() - started) / 1000 };
}
