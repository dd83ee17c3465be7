import { cachedUpstreamsReport } from './upstream-health';
import { FakeUpstream } from './testing/fake-upstream';

describe('cachedUpstreamsReport', () => {
  let service: FakeUpstream;
  beforeAll(async () => {
    service = await new FakeUpstream([]).start();
  });
  afterAll(() => service.stop());

  it('shares one probe round between callers until it is ttl old', async () => {
    let clock = 1_000_000;
    const report = cachedUpstreamsReport([{ area: 'identity', prefix: '/api/v1/identity/', baseUrl: service.url }], 1000, 10_000, () => clock);
    const probes = () => service.seen.filter((r) => r.url === '/health/ready').length;
    const reports = await Promise.all(Array.from({ length: 5 }, () => report()));
    clock += 9_999;
    await report();
    expect(probes()).toBe(1);
    expect(reports[0]).toMatchObject({ status: 'ok', upstreams: { identity: { status: 'up' } }, checkedAt: new Date(1_000_000).toISOString() });
    clock += 1;
    await report();
    expect(probes()).toBe(2);
  });
});
