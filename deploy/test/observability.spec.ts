import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sObject, kustomize, overlays, repoRoot, services } from './helpers';
import { isKnownMetric, metricsInPromQL } from './metric-names';

/* eslint-disable @typescript-eslint/no-explicit-any */
const grafanaDir = join(repoRoot, 'deploy/grafana');
const dashboards = readdirSync(grafanaDir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, json: JSON.parse(readFileSync(join(grafanaDir, f), 'utf8')) }));
const rendered = kustomize('deploy/k8s/overlays/prod');
const rules: any[] = rendered.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules));

const panelExprs = (d: any): { title: string; expr: string }[] =>
  (d.panels ?? []).flatMap((p: any) => [...(p.targets ?? []).map((t: any) => ({ title: p.title, expr: t.expr })), ...panelExprs(p)]);

describe('PromQL metric-name extraction', () => {
  it('finds metrics and ignores functions, labels, values and ranges', () => {
    expect(metricsInPromQL('histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{status_code=~"5.."}[5m]))) > 1').sort())
      .toEqual(['http_request_duration_seconds_bucket']);
    expect(metricsInPromQL('sum(increase(lsc_mails_total{outcome="failed"}[15m])) / sum(increase(made_up_total[1h]))').sort()).toEqual(['lsc_mails_total', 'made_up_total']);
    expect(isKnownMetric('made_up_total')).toBe(false);
    expect(isKnownMetric('kafka_consumer_lag_bucket')).toBe(false);
    expect(isKnownMetric('http_request_duration_seconds_count')).toBe(true);
    expect(isKnownMetric('process_resident_memory_bytes')).toBe(true);
  });
});

describe('dashboards and alerts', () => {
  it('has the overview and business dashboards, provisioned as ConfigMaps', () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(['lsc-business', 'lsc-overview']);
    const cms = rendered.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(cms.flatMap((c) => Object.keys(c.data)).sort()).toEqual(dashboards.map((d) => d.file).sort());
    for (const cm of cms) for (const [f, text] of Object.entries<string>(cm.data)) expect(JSON.parse(text)).toEqual(dashboards.find((d) => d.file === f)!.json);
  });

  it('references only known metric names in every dashboard query', () => {
    for (const d of dashboards) {
      const exprs = panelExprs(d.json);
      expect(exprs.length).toBeGreaterThan(5);
      for (const { title, expr } of exprs) {
        const unknown = metricsInPromQL(expr).filter((m) => !isKnownMetric(m));
        expect([d.file, title, unknown]).toEqual([d.file, title, []]);
      }
    }
  });

  it('references only known metric names in every alert expression', () => {
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const r of rules) expect([r.alert, metricsInPromQL(String(r.expr)).filter((m) => !isKnownMetric(m))]).toEqual([r.alert, []]);
  });

  it('alerts on every operational signal of the issue', () => {
    const used = (metric: string) => rules.some((r) => metricsInPromQL(String(r.expr)).some((m) => m === metric || m.startsWith(`${metric}_`)));
    for (const m of ['up', 'http_request_duration_seconds', 'kafka_consumer_lag', 'outbox_oldest_pending_age_seconds', 'dead_letters_total', 'lsc_mails_total', 'lsc_unmatched_transfer_oldest_age_seconds']) {
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

  it.each(overlays)('%s: a ServiceMonitor scrapes /metrics of every service', (overlay) => {
    const objs: K8sObject[] = kustomize(overlay);
    for (const svc of services) {
      const sm = objs.find((o) => o.kind === 'ServiceMonitor' && o.spec.selector.matchLabels['app.kubernetes.io/name'] === svc);
      expect([svc, sm?.spec.endpoints[0].path, sm?.spec.endpoints[0].port]).toEqual([svc, '/metrics', 'http']);
    }
  });
});
