import { NumberReservations } from './number-reservations';

describe('NumberReservations: concurrent issuers in one process predict past each other', () => {
  it('predicts past the committed value and past every number still reserved, per series', () => {
    const r = new NumberReservations();
    const a = r.reserve('26112', 41);
    const b = r.reserve('26112', 41);
    const other = r.reserve('27112', 3);
    expect([a.number, b.number, other.number]).toEqual([42, 43, 4]);
    // A committed value that overtook the reservations (another process issued) moves the prediction on.
    expect(r.reserve('26112', 50).number).toBe(51);
    expect(r.reserved('26112')).toEqual([42, 43, 51]);
  });

  it('a released number is predicted again (a failed claim or a rolled-back transaction gives it back)', () => {
    const r = new NumberReservations();
    const a = r.reserve('s', 0);
    const b = r.reserve('s', 0);
    b.release();
    b.release(); // idempotent
    expect(r.reserve('s', 0).number).toBe(2);
    a.release();
    expect(r.reserved('s')).toEqual([2]);
  });

  it('a claim waits for the lower reservations to end (their transactions commit or give the number back), not for higher ones', async () => {
    const r = new NumberReservations();
    const first = r.reserve('s', 0);
    const second = r.reserve('s', 0);
    const third = r.reserve('s', 0);
    const order: string[] = [];
    const firstWaited = r.predecessorsEnded(first).then(() => order.push('first may claim'));
    const thirdWaited = r.predecessorsEnded(third).then(() => order.push('third may claim'));
    await firstWaited;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['first may claim']);
    first.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['first may claim']); // still waiting for the second
    second.release();
    await thirdWaited;
    expect(order).toEqual(['first may claim', 'third may claim']);
  });

  it('the wait is bounded: a stuck predecessor delays a claim, it does not block it', async () => {
    const r = new NumberReservations(50);
    r.reserve('s', 0); // never claims
    const next = r.reserve('s', 0);
    const started = Date.now();
    await r.predecessorsEnded(next);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
