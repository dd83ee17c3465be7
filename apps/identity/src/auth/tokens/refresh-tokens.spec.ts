import { ManualClock } from '../shared/clock';
import { connectTestRedis, type TestRedis } from '../shared/test-redis';
import { RefreshTokenStore } from './refresh-tokens';

describe('RefreshTokenStore (real Redis)', () => {
  let t: TestRedis;
  let clock: ManualClock;
  let store: RefreshTokenStore;

  beforeEach(() => {
    t = connectTestRedis('refresh');
    clock = new ManualClock();
    store = new RefreshTokenStore(t.redis, { keyPrefix: t.prefix, idleTtlMs: 14 * 86_400_000, familyLifetimeMs: 30 * 86_400_000 }, clock);
  });
  afterEach(() => t.cleanup());

  it('rotates: the new token works, the family stays the same', async () => {
    const first = await store.issue('user-1');
    const second = await store.rotate(first.refreshToken);
    expect(second).toMatchObject({ status: 'rotated', sub: 'user-1', familyId: first.familyId });
    if (second.status !== 'rotated') throw new Error('expected rotation');
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await store.rotate(second.refreshToken)).toMatchObject({ status: 'rotated' });
  });

  it('stores only hashes of tokens', async () => {
    const { refreshToken } = await store.issue('user-1');
    for (const key of await t.redis.keys(`${t.prefix}*`)) {
      expect(key).not.toContain(refreshToken);
      if ((await t.redis.type(key)) === 'hash') expect(JSON.stringify(await t.redis.hgetall(key))).not.toContain(refreshToken);
    }
  });

  it('reuse of a rotated token revokes the whole family, including the newest token', async () => {
    const first = await store.issue('user-1');
    const second = await store.rotate(first.refreshToken);
    if (second.status !== 'rotated') throw new Error('expected rotation');
    expect(await store.rotate(first.refreshToken)).toEqual({ status: 'reuse_detected', sub: 'user-1', familyId: first.familyId });
    expect(await store.rotate(second.refreshToken)).toEqual({ status: 'revoked' });
  });

  it('reuse in one family leaves other logins of the same user alone', async () => {
    const phone = await store.issue('user-1');
    const laptop = await store.issue('user-1');
    await store.rotate(phone.refreshToken);
    await store.rotate(phone.refreshToken);
    expect(await store.rotate(laptop.refreshToken)).toMatchObject({ status: 'rotated' });
  });

  it('logout revokes the family; unknown tokens are ignored', async () => {
    const first = await store.issue('user-1');
    const second = await store.rotate(first.refreshToken);
    if (second.status !== 'rotated') throw new Error('expected rotation');
    expect(await store.revoke(second.refreshToken)).toBe(true);
    expect(await store.rotate(second.refreshToken)).toEqual({ status: 'revoked' });
    expect(await store.revoke('unknown')).toBe(false);
    expect(await store.rotate('unknown')).toEqual({ status: 'invalid' });
  });

  it('revokeAllForSubject ends every login of that user only', async () => {
    const a = await store.issue('user-1');
    const b = await store.issue('user-1');
    const other = await store.issue('user-2');
    expect(await store.revokeAllForSubject('user-1')).toBe(2);
    expect(await store.rotate(a.refreshToken)).toEqual({ status: 'revoked' });
    expect(await store.rotate(b.refreshToken)).toEqual({ status: 'revoked' });
    expect(await store.rotate(other.refreshToken)).toMatchObject({ status: 'rotated' });
  });

  it('expires after the idle period and at the end of the family lifetime', async () => {
    const idle = await store.issue('user-1');
    clock.advance(14 * 86_400_000);
    expect(await store.rotate(idle.refreshToken)).toEqual({ status: 'expired' });

    let current = (await store.issue('user-1')).refreshToken;
    for (let day = 0; day < 29; day++) {
      clock.advance(86_400_000);
      const next = await store.rotate(current);
      if (next.status !== 'rotated') throw new Error(`rotation failed on day ${day}: ${next.status}`);
      current = next.refreshToken;
    }
    clock.advance(86_400_000);
    expect(await store.rotate(current)).toEqual({ status: 'expired' });
  });

  it('two concurrent uses of one token: exactly one rotates, the other triggers family revocation', async () => {
    const first = await store.issue('user-1');
    const results = await Promise.all([store.rotate(first.refreshToken), store.rotate(first.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual(['reuse_detected', 'rotated']);
  });
});
