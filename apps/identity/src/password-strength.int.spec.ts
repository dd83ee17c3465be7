import { startIdentity, type IdentityHarness } from './testing/harness';

/** Issue #25 item 11: a password never travels in a URL; the strength meter takes it in the body only. */
describe('password strength meter (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  // Made up per run: nothing a password list or a log search could match.
  const password = `Pw#${Math.random().toString(36).slice(2, 10)}Q7`;

  beforeAll(async () => {
    h = await startIdentity('pwstrength');
  });
  afterAll(() => h?.close());

  it('answers a POST with the password in the body, uncached', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/password-strength', payload: { password } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ strength: 'strong', label: '强', problems: [] });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('has no GET: ?password= is not evaluated', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/identity/password-strength?password=${encodeURIComponent(password)}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('strength');
  });
});
