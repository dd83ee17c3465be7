import { PollInterval } from './outbox-relay';

describe('PollInterval (the relay reads again at once after rows, polls fast for a while, then backs off to a ceiling)', () => {
  it('reads at once after a full batch; after a partial one, once minPollMs have passed since the round began', () => {
    const poll = new PollInterval(5, 50, 1000, 0);
    expect(poll.next(1000, true, 3, 0)).toBe(0);
    expect(poll.next(10, false, 3, 0)).toBe(2);
    expect(poll.next(10, false, 7, 0)).toBe(0);
  });

  it('polls every minPollMs while rows came within idleAfterMs', () => {
    const poll = new PollInterval(5, 50, 1000, 0);
    expect(poll.next(10, false, 5, 0)).toBe(0);
    expect(poll.next(0, false, 1, 1)).toBe(5);
    expect(poll.next(0, false, 1, 999)).toBe(5);
  });

  it('grows ×1.5 per empty poll once idle for idleAfterMs, never beyond the ceiling, and drops back on rows', () => {
    const poll = new PollInterval(5, 50, 1000, 0);
    const delays: number[] = [];
    for (let t = 1000; delays.length < 10; t += 50) delays.push(poll.next(0, false, 1, t));
    expect(delays).toEqual([5, 7.5, 11.25, 16.875, 25.3125, 37.96875, 50, 50, 50, 50]);
    expect(poll.next(1, false, 5, 2000)).toBe(0);
    expect(poll.next(0, false, 1, 2001)).toBe(5);
  });

  it('starts polling fast (a relay that just became leader is not yet idle)', () => {
    const poll = new PollInterval(5, 50, 1000, 0);
    expect(poll.next(0, false, 1, 10)).toBe(5);
  });
});
