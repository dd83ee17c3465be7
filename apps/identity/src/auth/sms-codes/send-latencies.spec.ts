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

  it.each([0.3, 2.4, 7.5])('waits a drawn %p ms, not a whole timer tick more', async (ms) => {
    const latencies = new SendLatencies();
    latencies.record(ms);
    const waits: number[] = [];
    for (let i = 0; i < 30; i++) waits.push(await elapsed(latencies));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(ms);
    // The median lands within three quarters of a millisecond of the send it imitates (a timer alone overshot 0.3 ms by ~1 ms).
    expect(median(waits) - ms).toBeLessThan(0.75);
  });

  it('still yields to the event loop when nothing was recorded yet', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await new SendLatencies().waitLikeASend();
    expect(ran).toBe(true);
  });
});
