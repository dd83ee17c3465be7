import type { Queryable } from './sql';
import { afterTransaction } from './transaction-hooks';

/**
 * Tells the loops that follow the store in this process (projection runners, the outbox relay) that a transaction
 * which wrote events or outbox rows has committed, so they read at once instead of on their next idle poll. Only this
 * process's commits are signalled (no NOTIFY: see OUTBOX_SQL in event-store.ts), so the idle polls stay, as the way
 * other processes' commits are found; they can be slow because this process's own events no longer wait for them.
 */
type Listener = () => void;

const listeners = new Set<Listener>();

export function onEventsCommitted(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * Called by the store after writing events or outbox rows through `client`: inside a transaction the signal waits for
 * its COMMIT (withTransaction); a statement on its own (no transaction) has committed already, so it goes out now.
 */
export function noteEventWrites(client: Queryable, inTransaction: boolean): void {
  // A transaction not begun by withTransaction is not tracked: its commit is found by the idle polls.
  if (inTransaction) afterTransaction(client, signalIfCommitted);
  else signal();
}

function signal(): void {
  for (const listener of listeners) listener();
}

/** One function, so a transaction that writes several times signals once (afterTransaction keeps a hook once). */
const signalIfCommitted = (committed: boolean): void => {
  if (committed) signal();
};

/**
 * A sleep that a commit can cut short, but never to less than `minMs` from its start: a burst of commits is then read
 * in batches of `minMs`' worth, not with one read per commit.
 */
export class WakeableSleep {
  private current?: { startedAt: number; minMs: number; endsAt: number; timer: NodeJS.Timeout; resolve: () => void };

  /** Sleeps `ms`; `wake()` may end it from `minMs` on (`minMs = ms`: only `cancel()` ends it early). */
  sleep(ms: number, minMs = ms): Promise<void> {
    this.cancel();
    return new Promise((resolve) => {
      const startedAt = Date.now();
      const timer = setTimeout(() => this.finish(), ms);
      this.current = { startedAt, minMs: Math.min(minMs, ms), endsAt: startedAt + ms, timer, resolve };
    });
  }

  /** Something to read has committed: end the current sleep as soon as its minimum allows. */
  wake(): void {
    const current = this.current;
    if (!current) return;
    const earliest = current.startedAt + current.minMs;
    if (earliest >= current.endsAt) return;
    clearTimeout(current.timer);
    current.endsAt = earliest;
    current.timer = setTimeout(() => this.finish(), Math.max(0, earliest - Date.now()));
  }

  /** Ends the current sleep now (shutting down). */
  cancel(): void {
    if (this.current) this.finish();
  }

  private finish(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(current.timer);
    current.resolve();
  }
}
