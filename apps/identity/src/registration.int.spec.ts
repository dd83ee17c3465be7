import { IDENTITY_TOPIC, InstitutionRegistered } from '@lsc/contracts';
import { eventually, testKafka, uniqueName } from '@lsc/testing';
import { register, startIdentity, validRegistration, type IdentityHarness } from './testing/harness';

describe('registration end to end (real PostgreSQL, Redis, Kafka)', () => {
  let h: IdentityHarness;
  beforeAll(async () => (h = await startIdentity('reg')));
  afterAll(() => h?.close());

  it('registers an institution: 201, account + claims stored, password never in the event, InstitutionRegistered on Kafka', async () => {
    const kafka = testKafka();
    const consumer = kafka.consumer({ groupId: uniqueName('identity-reg-test') });
    await consumer.connect();
    await consumer.subscribe({ topic: IDENTITY_TOPIC, fromBeginning: true });
    const received: Array<{ type: string; data: Record<string, unknown> }> = [];
    // The shared topic also carries other suites' deliberately malformed messages: skip them rather than let one
    // throw here, which would make the consumer retry it forever and never reach ours.
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          received.push(JSON.parse(message.value!.toString()) as never);
        } catch {
          // not JSON
        }
      },
    });
    try {
      const body = validRegistration({ loginName: `lib_${Date.now().toString(36)}` });
      const res = await register(h, body);
      expect(res.statusCode).toBe(201);
      const out = res.json() as { institutionId: string; accountId: string; loginName: string; passwordStrength: string; logoUrl: string | null };
      expect(out).toEqual({ institutionId: expect.any(String), accountId: expect.any(String), loginName: body.loginName, passwordStrength: 'strong', logoUrl: null });

      const { rows: accounts } = await h.db.pool.query('select kind, roles, password_hash from identity_accounts where institution_id = $1', [out.institutionId]);
      expect(accounts).toEqual([{ kind: 'institution', roles: ['institution'], password_hash: expect.stringMatching(/^\$argon2id\$/) }]);
      const { rows: claims } = await h.db.pool.query('select kind from identity_unique_claims order by kind');
      expect(claims.map((c) => c.kind)).toEqual(['email', 'login_name', 'mobile', 'name']);
      const { rows: events } = await h.db.pool.query('select data::text as data from es_events');
      expect(events).toHaveLength(1);
      expect(events[0].data).not.toContain(String(body.password));
      expect(events[0].data).not.toContain('argon2');
      expect(JSON.parse(events[0].data)).toMatchObject({ consent: { agreementVersion: h.config.REGISTRATION_AGREEMENT_VERSION, agreedAt: expect.any(String) } });

      const event = await eventually(() => received.find((e) => e.type === InstitutionRegistered.type && e.data?.institutionId === out.institutionId), { timeoutMs: 45000, what: 'InstitutionRegistered on Kafka' });
      expect(event.data).toMatchObject({
        name: body.name,
        email: body.email,
        mobile: body.mobile,
        landline: '0317-88544588',
        recommendingUnit: '安徽省图书馆学会',
        region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' },
        loginName: body.loginName,
      });
      expect(JSON.stringify(event)).not.toMatch(/password|argon2|smsCode|captcha/i);
    } finally {
      await consumer.disconnect();
    }
  }, 90000);
});
