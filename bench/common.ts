import { readFileSync } from 'node:fs';
import type { DisposableStack } from '@lsc/testing';

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

/**
 * Machine-wide busy and total CPU jiffies (1/100 s, all cores) from /proc/stat's first line (user nice system idle
 * iowait irq softirq steal): the difference of two readings says how busy the machine was in between.
 */
export function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** CPU seconds of named owners (services, the broker, this process) and of the whole machine, at one moment. */
export interface CpuSnapshot {
  readonly owners: Record<string, number>;
  readonly machine: { busy: number; total: number };
}

/** `extra` adds owners of the bench's own choosing (e.g. one thread of a service). */
export function cpuSnapshot(stack: DisposableStack, owners: readonly string[], extra: Record<string, () => number> = {}): CpuSnapshot {
  const seconds: Record<string, number> = {};
  for (const name of owners) seconds[name] = stack.cpuSeconds(name) ?? 0;
  for (const [name, read] of Object.entries(extra)) seconds[name] = read();
  const self = process.cpuUsage();
  seconds.bench_client = (self.user + self.system) / 1e6;
  return { owners: seconds, machine: machineJiffies() };
}

/** Where the CPU between two snapshots went: each owner, and the rest (PostgreSQL, Redis, SMTP, anything else running). */
export function cpuSince(a: CpuSnapshot, b: CpuSnapshot): { seconds: Record<string, number>; busyShare: number } {
  const seconds: Record<string, number> = {};
  for (const k of Object.keys(b.owners)) seconds[k] = b.owners[k]! - (a.owners[k] ?? 0);
  const busy = (b.machine.busy - a.machine.busy) / 100;
  seconds.other = Math.max(0, busy - Object.values(seconds).reduce((x, y) => x + y, 0));
  return { seconds, busyShare: (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total) };
}

/** The value of one sample line of a Prometheus text exposition (`name{labels} value`). */
const sampleValue = (line: string): number => Number(line.slice(line.lastIndexOf(' ') + 1));

/**
 * One Prometheus histogram from a /metrics text, summed over its label sets: how many observations, their mean and sum,
 * and the bucket bounds that hold the median and the 99th percentile (a bound, not an interpolation; null when the
 * percentile lies above the largest finite bucket or nothing was observed).
 */
export function histogramSummary(metricsText: string, name: string): { count: number; sum_s: number; mean_ms: number; p50_le_ms: number | null; p99_le_ms: number | null } {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const bound = le === '+Inf' ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + sampleValue(line));
    } else if (line.startsWith(`${name}_count`)) count += sampleValue(line);
    else if (line.startsWith(`${name}_sum`)) sum += sampleValue(line);
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const bound = (p: number): number | null => {
    const hit = count === 0 ? undefined : sorted.find(([, cumulative]) => cumulative >= (count * p) / 100);
    return hit && hit[0] !== Infinity ? round(hit[0] * 1000, 1) : null;
  };
  return { count, sum_s: round(sum, 3), mean_ms: count ? round((sum / count) * 1000, 2) : 0, p50_le_ms: bound(50), p99_le_ms: bound(99) };
}

/** Gauges in seconds from a /metrics text whose names match `name`, in ms, keyed by the pattern's first group. */
export function gaugesMs(metricsText: string, name: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    const m = name.exec(line);
    if (m) out[m[1]!] = round(sampleValue(line) * 1000, 1);
  }
  return out;
}
