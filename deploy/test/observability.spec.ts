import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { K8sObject, kustomize, overlays, repoRoot, services } from './helpers';
import { metricsInPromQL, observabilityQueries, PROMETHEUS_SYNTHETIC, selectorsIn } from './promql';

/* eslint-disable @typescript-eslint/no-explicit-any */
const grafanaDir = join(repoRoot, 'deploy/grafana');
const dashboards = readdirSync(grafanaDir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, json: JSON.parse(readFileSync(join(grafanaDir, f), 'utf8')) }));
const rendered = kustomize('deploy/k8s/overlays/prod');
const rules: any[] = rendered.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules));

const panelExprs = (d: any): { title: string; expr: string }[] =>
  (d.panels ?? []).flatMap((p: any) => [...(p.targets ?? []).map((t: any) => ({ title: p.title, expr: t.expr })), ...panelExprs(p)]);

/** Series names a metric of this type exposes (classic histograms only through _bucket/_sum/_count). */
const seriesOf = (name: string, type: string): string[] =>
  type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : type === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return ['node_modules', 'dist', 'testing', 'test'].includes(f) ? [] : sourceFiles(path);
    return f.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(f) ? [path] : [];
  });
}

/**
 * What the code declares: every `new Counter|Gauge|Histogram|Summary({ name: '…' })` in apps/ and libs/ (not tests),
 * plus prom-client's default metrics as collectDefaultMetrics registers them here. The live check, that the running
 * services export each name, is e2e/metrics.e2e.spec.ts; this one fails fast (no stack needed) on a typo or a metric
 * nobody declares.
 */
function declaredSeries(): Set<string> {
  const names = new Set<string>(PROMETHEUS_SYNTHETIC);
  for (const root of ['apps', 'libs']) {
    for (const dir of readdirSync(join(repoRoot, root))) {
      let files: string[] = [];
      try { files = sourceFiles(join(repoRoot, root, dir, 'src')); } catch { continue; }
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\b[^(]*\(\s*\{\s*name:\s*(['"`])([a-zA-Z_:][a-zA-Z0-9_:]*)\2/g)) {
          for (const series of seriesOf(m[3], m[1].toLowerCase())) names.add(series);
        }
      }
    }
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const m of defaults.getMetricsAsArray()) for (const series of seriesOf(m.name, String((m as unknown as { type: string }).type ?? ''))) names.add(series);
  return names;
}

describe('PromQL metric-name extraction', () => {
  it('finds metrics and ignores functions, aggregations, grouping labels, label values, ranges, offsets and numbers', () => {
    expect(metricsInPromQL('histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{status_code=~"5.."}[5m]))) > 1'))
      .toEqual(['http_request_duration_seconds_bucket']);
    expect(metricsInPromQL('sum(increase(lsc_mails_total{outcome="failed"}[15m])) / sum(increase(made_up_total[1h])) >= 5 and on(job) up == 1'))
      .toEqual(['lsc_mails_total', 'made_up_total', 'up']);
    expect(metricsInPromQL('max(lsc_unmatched_transfer_oldest_age_seconds) > 3 * 86400')).toEqual(['lsc_unmatched_transfer_oldest_age_seconds']);
    expect(metricsInPromQL('SUM BY (topic) (rate(a_total[5m] offset 1h)) / ignoring(outcome) group_left(kind) b_total @ end() unless c{x="y"} bool 0x1f + 1e3'))
      .toEqual(['a_total', 'b_total', 'c']);
    expect(metricsInPromQL('max_over_time(rate(x_total[5m])[1h:1m]) + job:requests:rate5m')).toEqual(['x_total', 'job:requests:rate5m']);
    // Grafana variables and templating
    expect(metricsInPromQL('sum by (service) (rate(http_request_duration_seconds_count{service=~"$service"}[$__rate_interval]))')).toEqual(['http_request_duration_seconds_count']);
  });

  it('reads label matchers, including a selector named by __name__', () => {
    expect(selectorsIn('sum(increase(lsc_payments_matched_total{mode="auto", job!="x"}[7d])) / {__name__="lsc_payments_matched_total"}')).toEqual([
      { metric: 'lsc_payments_matched_total', matchers: [{ label: 'mode', op: '=', value: 'auto' }, { label: 'job', op: '!=', value: 'x' }] },
      { metric: 'lsc_payments_matched_total', matchers: [] },
    ]);
    expect(() => selectorsIn('{__name__=~"lsc_.*"}')).toThrow(/cannot be checked/);
  });

  it('collects every dashboard panel and every rule, and the names recording rules define', () => {
    const { queries } = observabilityQueries(repoRoot);
    expect(queries.filter((q) => q.where.startsWith('deploy/grafana/')).length).toBe(dashboards.reduce((n, d) => n + panelExprs(d.json).length, 0));
    expect(queries.filter((q) => q.where.startsWith('deploy/k8s/')).length).toBe(rules.length);
  });
});

describe('dashboards and alerts', () => {
  it('has the overview and business dashboards, provisioned as ConfigMaps', () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(['lsc-business', 'lsc-overview']);
    const cms = rendered.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(cms.flatMap((c) => Object.keys(c.data)).sort()).toEqual(dashboards.map((d) => d.file).sort());
    for (const cm of cms) for (const [f, text] of Object.entries<string>(cm.data)) expect(JSON.parse(text)).toEqual(dashboards.find((d) => d.file === f)!.json);
  });

  it('every dashboard query and alert expression uses only metrics the code declares (or a recording rule defines)', () => {
    for (const d of dashboards) expect([d.file, panelExprs(d.json).length > 5]).toEqual([d.file, true]);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const declared = declaredSeries();
    for (const m of ['http_request_duration_seconds_bucket', 'kafka_consumer_lag', 'lsc_mails_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) expect([m, declared.has(m)]).toEqual([m, true]);
    expect(declared.has('http_request_duration_seconds')).toBe(false); // a classic histogram has no series of that name
    const { queries, recorded } = observabilityQueries(repoRoot);
    for (const q of queries) {
      const unknown = metricsInPromQL(q.expr).filter((m) => !declared.has(m) && !recorded.includes(m));
      expect([q.where, unknown]).toEqual([q.where, []]);
    }
  });

  it('alerts on every operational signal of the issue', () => {
    const used = (metric: string) => rules.some((r) => metricsInPromQL(String(r.expr)).some((m) => m === metric || m.startsWith(`${metric}_`)));
    for (const m of ['up', 'http_request_duration_seconds', 'kafka_consumer_lag', 'kafka_consumer_joined', 'outbox_oldest_pending_age_seconds', 'dead_letters_total', 'lsc_mails_total', 'lsc_unmatched_transfer_oldest_age_seconds']) {
      expect([m, used(m)]).toEqual([m, true]);
    }
    expect(rules.some((r) => /status_code=~"5\.\."/.test(r.expr))).toBe(true);
    expect(rules.some((r) => /histogram_quantile\(0\.99/.test(r.expr))).toBe(true);
    for (const r of rules) expect([r.alert, r.labels?.severity]).toEqual([r.alert, expect.stringMatching(/^(critical|warning)$/)]);
  });

  it('business dashboard shows registrations, applications, auto vs manual matches, invoices and mails', () => {
    const exprs = panelExprs(dashboards.find((d) => d.json.uid === 'lsc-business')!.json).map((e) => e.expr).join('\n');
    for (const m of ['lsc_registrations_total', 'lsc_applications_submitted_total', 'lsc_payments_matched_total', 'lsc_invoices_issued_total', 'lsc_mails_total']) expect(exprs).toContain(m);
    expect(exprs).toMatch(/by \(mode\)/);
  });

  it.each(overlays)('%s: a ServiceMonitor scrapes /metrics of every service on its metrics port', (overlay) => {
    const objs: K8sObject[] = kustomize(overlay);
    for (const svc of services) {
      const sm = objs.find((o) => o.kind === 'ServiceMonitor' && o.spec.selector.matchLabels['app.kubernetes.io/name'] === svc);
      expect([svc, sm?.spec.endpoints[0].path, sm?.spec.endpoints[0].port]).toEqual([svc, '/metrics', 'metrics']);
    }
  });
});
