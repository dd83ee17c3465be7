import { describe, expect, it } from 'vitest';
import { nextDelay, Poller } from './poller';

/** A manual clock: the poller's timers run only when the test says so. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let id = 0;
  return {
    delays: [] as number[],
    setTimer(fn: () => void, ms: number) {
      this.delays.push(ms);
      pending.push({ fn, ms, id: ++id });
      return id;
    },
    clearTimer(handle: unknown) {
      const i = pending.findIndex((p) => p.id === handle);
      if (i >= 0) pending.splice(i, 1);
    },
    async fire() {
      const next = pending.shift();
      next?.fn();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

describe('Poller (支付信息 waits for reconciliation)', () => {
  it('backs off while nothing changes, up to the ceiling', async () => {
    const t = manualTimers();
    const p = new Poller(async () => false, { initialMs: 1000, maxMs: 5000, factor: 2, setTimer: t.setTimer.bind(t), clearTimer: t.clearTimer.bind(t) });
    p.start();
    for (let i = 0; i < 4; i += 1) await t.fire();
    expect(t.delays).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('comes back quickly after a change and stops when done', async () => {
    const t = manualTimers();
    const answers: Array<boolean | 'changed'> = [false, 'changed', false, true];
    const p = new Poller(async () => answers.shift() ?? true, { initialMs: 1000, factor: 2, setTimer: t.setTimer.bind(t), clearTimer: t.clearTimer.bind(t) });
    p.start();
    for (let i = 0; i < 4; i += 1) await t.fire();
    expect(t.delays).toEqual([1000, 2000, 1000, 2000]);
    expect(p.running).toBe(false);
  });

  it('a failed poll backs off instead of stopping', async () => {
    const t = manualTimers();
    const p = new Poller(async () => {
      throw new Error('offline');
    }, { initialMs: 1000, factor: 2, setTimer: t.setTimer.bind(t), clearTimer: t.clearTimer.bind(t) });
    p.start();
    await t.fire();
    expect(p.running).toBe(true);
    expect(t.delays).toEqual([1000, 2000]);
  });

  it('nextDelay', () => {
    expect(nextDelay(3000, 1.6, 30_000)).toBe(4800);
    expect(nextDelay(25_000, 1.6, 30_000)).toBe(30_000);
  });
});
