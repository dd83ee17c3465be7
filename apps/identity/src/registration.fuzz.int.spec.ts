import fc from 'fast-check';
import { startIdentity, validRegistration, type IdentityHarness } from './testing/harness';

/**
 * 2,000 generated malformed registrations through HTTP: every one answered 400 in the standard shape, none stored.
 * Each body starts valid and breaks at least one rule (wrong type, junk text, over-long text, missing field), or is
 * not an object at all.
 */
describe('malformed registration bodies (fast-check, real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;
  beforeAll(async () => (h = await startIdentity('fuzz')));
  afterAll(() => h?.close());

  const fields = Object.keys(validRegistration()).filter((f) => f !== 'fax' && f !== 'website' && f !== 'remark');
  const junk = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }),
    fc.string({ maxLength: 0 }),
    fc.string({ minLength: 501, maxLength: 600 }),
    fc.string({ unit: 'binary', maxLength: 5 }).map((s) => `${s}\u0000<script>`),
  );
  const breakage = fc.uniqueArray(fc.constantFrom(...fields), { minLength: 1, maxLength: 3 }).chain((broken) =>
    fc.tuple(fc.constant(broken), fc.array(junk, { minLength: broken.length, maxLength: broken.length }), fc.boolean()),
  );
  const malformed = fc.oneof(
    { weight: 20, arbitrary: breakage.map(([broken, values, drop]) => ({ kind: 'fields' as const, broken, values, drop })) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer()), fc.constant(null)).map((body) => ({ kind: 'raw' as const, body })) },
  );

  it('answers 2,000 malformed bodies with 400 VALIDATION_FAILED and stores nothing', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(malformed, async (m) => {
        runs++;
        let payload: unknown;
        if (m.kind === 'raw') payload = JSON.stringify(m.body);
        else {
          const body: Record<string, unknown> = { ...validRegistration(), smsCode: '123456', captchaId: 'a'.repeat(22), captchaAnswer: '3' };
          m.broken.forEach((f, i) => (m.drop && i === 0 ? delete body[f] : (body[f] = m.values[i])));
          // A junk value can happen to be valid for a lenient field (e.g. '' for an optional one); keep only real breakage.
          const stillValid = (f: string) => (f === 'loginName' && (body[f] === undefined || body[f] === '')) || (f === 'agreementAccepted' && body[f] === true);
          if (m.broken.every(stillValid)) body.postcode = 'x';
          payload = JSON.stringify(body);
        }
        const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', headers: { 'content-type': 'application/json' }, payload: payload as string });
        const answer = res.json() as { code: string; message: string; details: unknown[] };
        if (res.statusCode !== 400 || answer.code !== 'VALIDATION_FAILED' || !Array.isArray(answer.details) || typeof answer.message !== 'string') {
          throw new Error(`unexpected ${res.statusCode}: ${res.body} for ${String(payload).slice(0, 300)}`);
        }
      }),
      { numRuns: 2000 },
    );
    expect(runs).toBe(2000);
    const { rows } = await h.db.pool.query('select (select count(*) from es_events)::int as events, (select count(*) from identity_accounts)::int as accounts, (select count(*) from identity_unique_claims)::int as claims');
    expect(rows[0]).toEqual({ events: 0, accounts: 0, claims: 0 });
  }, 300000);
});
