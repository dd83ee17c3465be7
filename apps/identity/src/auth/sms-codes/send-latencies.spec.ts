import { SendLatencies } from './sms-code.service';

/**
 * The decoy wait (a login/reset code asked for a number without an account) must last as long as the real sends it
 * imitates, also when they are fast: a timer alone rounded 0.3 ms up to more than a millisecond, enough for the
 * unknown-number answer to be measurably the slower one.
 */
describe('SendLatencies.waitLikeASend', () => {
  const elapsed = async (latencies: SendLatencies): Promise<number> => {
    const started = performance.now();
    await latencies.waitLikeASend();
    return performance.now() - started;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('waits a drawn 0.3 ms, where a timer alone never waits less than 1 ms', async () => {
    const latencies = new SendLatencies();
    latencies.record(0.3);
    const waits: number[] = [];
    for (let i = 0; i < 30; i++) waits.push(await elapsed(latencies));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0.3);
    expect(median(waits)).toBeLessThan(1);
  });

  it.each([2.4, 7.5])('never waits less than a drawn %p ms, nor much more', async (ms) => {
    const latencies = new SendLatencies();
    latencies.record(ms);
    const waits: number[] = [];
    for (let i = 0; i < 30; i++) waits.push(await elapsed(latencies));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(ms);
    // Loose on purpose: the timer part overshoots on a busy machine; the 0.3 ms case above is the one that tells.
    expect(median(waits) - ms).toBeLessThan(2);
  });

  it('still yields to the event loop when nothing was recorded yet', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await new SendLatencies().waitLikeASend();
    expect(ran).toBe(true);
  });
});
