/** Shared by every benchmark: timing, percentiles and the one JSON result line each bench prints last. */
export const seconds = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

export interface BenchResult {
  bench: string;
  ours: number;
  baseline: number;
  unit: string;
  [extra: string]: unknown;
}

/** Prints the result as the last line: {"bench", "ours", "baseline", "unit", "ratio", …}. */
export function report(result: BenchResult): void {
  const { bench, ours, baseline, unit, ...extra } = result;
  console.log(JSON.stringify({ bench, ours: round(ours), baseline: round(baseline), unit, ratio: round(ours / baseline, 3), ...extra }));
}

/** Runs `worker` in `concurrency` loops until `durationMs` passes; returns completed operations. */
export async function runFor(durationMs: number, concurrency: number, worker: (i: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + durationMs;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await worker(lane * 1e9 + i);
        done += 1;
      }
    }),
  );
  return done;
}
