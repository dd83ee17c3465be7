/**
 * kafkajs 2.2.4 (its latest release) re-arms a timer in every broker connection's request queue even when nothing is
 * waiting: `scheduleCheckPendingRequests` computes `throttledUntil - now`, which is negative when not throttled, and
 * sets a timeout with it, i.e. 1 ms; the timeout calls `checkPendingRequests`, which schedules again. Every connection
 * of every producer, consumer and admin client thus wakes the event loop ~1,000 times a second forever
 * (tulios/kafkajs#1556, #1704; the fix in PR #1667 was never released). On a 2-core machine shared by five services
 * that idle spinning is CPU the services' real work does not get.
 *
 * The fix keeps upstream's logic and only skips scheduling when the queue is empty: a request that has to wait is
 * queued by `push`, which schedules a check itself, and every answer and every request timeout checks the queue again,
 * so nothing that waits is left without a check. Applied once per process, before any client connects; a kafkajs other
 * than 2.2.4 is left alone (a new release may have fixed it differently).
 */
const PATCHED_VERSION = '2.2.4';

interface RequestQueueInternals {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

let applied: boolean | undefined;

/** Returns whether the fix is in place (false: another kafkajs version, whose queue is not touched). */
export function fixKafkaJsIdleLoop(): boolean {
  if (applied !== undefined) return applied;
  // Plain require (not createRequire): under jest it must reach the same module instances the code under test uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) return (applied = false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals };
  const upstream = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.pending.length === 0) return;
    upstream.call(this);
  };
  return (applied = true);
}
