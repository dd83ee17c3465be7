/**
 * Every metric the Grafana dashboards and the PrometheusRule alerts query exists on the running services: this suite
 * scrapes /metrics of all five services of the e2e stack and checks each metric name (and each label value a query
 * matches with `=`) against the series they export. A series counts only with a sample line, not a bare
 * `# TYPE`: Prometheus stores nothing for a metric without samples, so a panel or alert on it would see no data.
 *
 * The queries come from deploy/grafana/*.json and every PrometheusRule under deploy/k8s, read with the PromQL
 * tokenizer of deploy/test/promql.ts (also used by the static check in deploy/test/observability.spec.ts).
 *
 *   npx jest -c jest.e2e.config.js e2e/metrics.e2e.spec.ts                      (uses or starts the stack on 3000–3004)
 *   E2E_PORT_OFFSET=400 npx jest -c jest.e2e.config.js e2e/metrics.e2e.spec.ts  (its own services on 3400–3404)
 */
import { join } from 'node:path';
import { observabilityQueries, PROMETHEUS_SYNTHETIC, selectorsIn, TARGET_LABELS, type Query } from '../deploy/test/promql';
import { parseExposition, sampleValue, type Sample } from './support/exposition';

const REPO = join(__dirname, '..');
const DEFAULT_PORTS = { gateway: 3000, identity: 3001, membership: 3002, billing: 3003, notification: 3004 } as const;
type Service = keyof typeof DEFAULT_PORTS;
const SERVICES = Object.keys(DEFAULT_PORTS) as Service[];
// global-setup runs the services on their default ports plus an offset and tells us the gateway's address.
const offset = Number(new URL(process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').port) - DEFAULT_PORTS.gateway;
const urlOf = (svc: Service, path: string) => `http://127.0.0.1:${DEFAULT_PORTS[svc] + offset}${path}`;

interface Problem {
  where: string;
  problem: string;
}

/** What the queries use that the exported samples do not have: metric names, and label values matched with `=`. */
export function missingFromScrape(queries: Query[], recorded: string[], samples: Sample[]): Problem[] {
  const byName = new Map<string, Sample[]>();
  for (const s of samples) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const problems: Problem[] = [];
  for (const q of queries) {
    for (const sel of selectorsIn(q.expr)) {
      if (PROMETHEUS_SYNTHETIC.includes(sel.metric) || recorded.includes(sel.metric)) continue;
      const series = byName.get(sel.metric);
      if (!series) {
        problems.push({ where: q.where, problem: `${sel.metric}: exported by no service` });
        continue;
      }
      for (const m of sel.matchers) {
        if (m.op !== '=' || m.value === '' || m.value.includes('$') || TARGET_LABELS.includes(m.label)) continue;
        if (!series.some((s) => s.labels[m.label] === m.value)) problems.push({ where: q.where, problem: `${sel.metric}{${m.label}="${m.value}"}: no such series exported` });
      }
    }
  }
  return problems;
}

describe('every metric the dashboards and alerts use is exported by the running services', () => {
  const { queries, recorded } = observabilityQueries(REPO);
  const scraped = new Map<Service, Sample[]>();

  beforeAll(async () => {
    for (const svc of SERVICES) {
      // One request each first, so the latency histogram has its series even on a stack nobody has used yet.
      await fetch(urlOf(svc, '/health/live'));
      const res = await fetch(urlOf(svc, '/metrics'), { signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${svc} /metrics answered ${res.status}: ${text.slice(0, 500)}`);
      expect([svc, res.headers.get('content-type')]).toEqual([svc, expect.stringMatching(/^text\/plain; version=0\.0\.4/)]);
      scraped.set(svc, parseExposition(text));
    }
  });

  it('reads the queries of both dashboards and of every alert', () => {
    expect(queries.filter((q) => q.where.includes('lsc-overview.json')).length).toBeGreaterThan(5);
    expect(queries.filter((q) => q.where.includes('lsc-business.json')).length).toBeGreaterThan(5);
    expect(queries.filter((q) => q.where.startsWith('deploy/k8s/')).length).toBeGreaterThanOrEqual(8);
  });

  it('scrapes all five services, each labelling its series with its name', () => {
    for (const svc of SERVICES) {
      const samples = scraped.get(svc)!;
      expect([svc, samples.length > 0, samples.every((s) => s.labels.service === svc)]).toEqual([svc, true, true]);
    }
  });

  it('finds every metric name, and every label value matched with =, among the exported series', () => {
    const all = [...scraped.values()].flat();
    expect(missingFromScrape(queries, recorded, all)).toEqual([]);
  });

  it('exports the gauges and zero-initialised counters where they belong', () => {
    const names = (svc: Service) => new Set(scraped.get(svc)!.map((s) => s.name));
    expect(names('billing').has('lsc_unmatched_transfer_oldest_age_seconds')).toBe(true);
    expect(names('notification').has('lsc_mails_total')).toBe(true);
    for (const svc of ['membership', 'billing', 'notification'] as const) {
      expect([svc, names(svc).has('kafka_consumer_lag'), names(svc).has('dead_letters_total'), names(svc).has('kafka_messages_consumed_total')]).toEqual([svc, true, true, true]);
    }
    for (const svc of ['identity', 'membership', 'billing', 'notification'] as const) {
      expect([svc, names(svc).has('outbox_oldest_pending_age_seconds'), names(svc).has('outbox_pending_events')]).toEqual([svc, true, true]);
    }
    const failedMails = scraped.get('notification')!.filter((s) => s.name === 'lsc_mails_total' && s.labels.outcome === 'failed');
    expect(failedMails.length).toBeGreaterThan(5); // one per template, from the first scrape on
  });

  it('says each consuming service is in its consumer group (kafka_consumer_joined 1, once the join is done)', async () => {
    const joined = async (svc: Service) => {
      const samples = parseExposition(await (await fetch(urlOf(svc, '/metrics'))).text());
      return sampleValue(samples, 'kafka_consumer_joined', { group: svc });
    };
    for (const svc of ['membership', 'billing', 'notification'] as const) {
      // A service answers HTTP before its consumer has joined (a fresh stack may still be joining): wait for it.
      const deadline = Date.now() + 30_000;
      let value = await joined(svc);
      while (value !== '1' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        value = await joined(svc);
      }
      expect([svc, value]).toEqual([svc, '1']);
    }
    expect(scraped.get('gateway')!.some((s) => s.name === 'kafka_consumer_joined')).toBe(false); // no consumer there
  });

  it('would name a metric no service exports, and a label value no series has (the check is not vacuous)', () => {
    const all = [...scraped.values()].flat();
    const made = [
      { where: 'made-up panel', expr: 'sum(rate(lsc_made_up_total[5m]))' },
      { where: 'made-up label', expr: 'sum(rate(http_request_duration_seconds_count{method="TELEPORT"}[5m]))' },
      { where: 'histogram base name', expr: 'rate(http_request_duration_seconds[5m])' },
    ];
    expect(missingFromScrape(made, [], all)).toEqual([
      { where: 'made-up panel', problem: 'lsc_made_up_total: exported by no service' },
      { where: 'made-up label', problem: 'http_request_duration_seconds_count{method="TELEPORT"}: no such series exported' },
      { where: 'histogram base name', problem: 'http_request_duration_seconds: exported by no service' },
    ]);
    expect(missingFromScrape([{ where: 'recording rule', expr: 'job:lsc:rate5m > 1' }], ['job:lsc:rate5m'], all)).toEqual([]);
  });
});
