/**
 * The metric names (and label matchers) that the Grafana dashboards and PrometheusRules query, read with a small
 * PromQL tokenizer instead of a hand-kept list. Used by deploy/test/observability.spec.ts (static: against the
 * metrics the code declares) and e2e/metrics.e2e.spec.ts (live: against what the running services export).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}
/** One vector selector: `name{matchers}` or `{__name__="name", …}`. */
export interface Selector {
  metric: string;
  matchers: Matcher[];
}

const AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'];
const GROUPING = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'];
const KEYWORDS = new Set([...AGGREGATIONS, ...GROUPING, 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const src = expr;
  let i = 0;
  const rules: Array<[Token['kind'] | 'skip', RegExp]> = [
    ['skip', /^(\s+|#[^\n]*)/],
    ['string', /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/],
    // Numbers and durations (0x1f, 1e3, 0.99, .5, 5m, 1h30m, 500ms).
    ['number', /^(0x[0-9a-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:(?:ms|s|m|h|d|w|y)(?:\d+(?:ms|s|m|h|d|w|y))*)?)(?![a-z0-9_])/i],
    // Grafana variables ($__rate_interval, $var, ${var:fmt}, [[var]]) outside strings stand for durations or numbers.
    ['number', /^(\$\{[^}]*\}|\$\w+|\[\[\w+\]\])/],
    ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
    ['punct', /^(=~|!~|==|!=|<=|>=|[-+*/%^(){}[\],=<>@])/],
  ];
  while (i < src.length) {
    const rest = src.slice(i);
    const rule = rules.find(([, re]) => re.test(rest));
    if (!rule) throw new Error(`cannot read PromQL at "${rest.slice(0, 20)}" in: ${expr}`);
    const text = rule[1].exec(rest)![0];
    if (rule[0] !== 'skip') tokens.push({ kind: rule[0], text });
    i += text.length;
  }
  return tokens;
}

const unquote = (s: string): string => (s.startsWith('`') ? s.slice(1, -1) : JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"` : s));

/** Every vector selector of a PromQL expression, with its label matchers. */
export function selectorsIn(expr: string): Selector[] {
  const tokens = tokenize(expr);
  const selectors: Selector[] = [];
  const closing = (from: number, open: string, close: string): number => {
    let depth = 0;
    for (let j = from; j < tokens.length; j++) {
      if (tokens[j].text === open) depth++;
      else if (tokens[j].text === close && --depth === 0) return j;
    }
    throw new Error(`unbalanced ${open} in: ${expr}`);
  };
  const matchersAt = (from: number): { matchers: Matcher[]; end: number } => {
    const end = closing(from, '{', '}');
    const matchers: Matcher[] = [];
    for (let j = from + 1; j < end; ) {
      const [label, op, value] = [tokens[j], tokens[j + 1], tokens[j + 2]];
      if (!label || !op || !value || !['=', '!=', '=~', '!~'].includes(op.text) || value.kind !== 'string') throw new Error(`cannot read label matchers in: ${expr}`);
      matchers.push({ label: label.kind === 'string' ? unquote(label.text) : label.text, op: op.text as Matcher['op'], value: unquote(value.text) });
      j += tokens[j + 3]?.text === ',' ? 4 : 3;
    }
    return { matchers, end };
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.text === '[') {
      i = closing(i, '[', ']'); // range or subquery: durations only
    } else if (t.text === '{') {
      // A selector without a name in front: {__name__="metric", …}
      const { matchers, end } = matchersAt(i);
      const name = matchers.find((m) => m.label === '__name__' && m.op === '=');
      if (!name) throw new Error(`a selector without a metric name (or only a regex __name__) cannot be checked: ${expr}`);
      selectors.push({ metric: name.value, matchers: matchers.filter((m) => m !== name) });
      i = end;
    } else if (t.kind === 'ident') {
      const word = t.text.toLowerCase();
      if (GROUPING.includes(word) && next?.text === '(') i = closing(i + 1, '(', ')'); // label names
      else if (KEYWORDS.has(word) || next?.text === '(') continue; // operator, modifier or function call
      else if (next?.text === '{') {
        const { matchers, end } = matchersAt(i + 1);
        selectors.push({ metric: t.text, matchers });
        i = end;
      } else selectors.push({ metric: t.text, matchers: [] });
    }
  }
  return selectors;
}

export const metricsInPromQL = (expr: string): string[] => [...new Set(selectorsIn(expr).map((s) => s.metric))];

/** Series Prometheus itself writes for every target (not exported by the services). */
export const PROMETHEUS_SYNTHETIC = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];
/**
 * Labels Prometheus attaches to a target's series (kube-prometheus ServiceMonitor), not part of what a service exports.
 * (`service` is attached too, but the services export the same value under that name, so it is checked.)
 */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'container', 'endpoint'];

export interface Query {
  /** Where it is: `deploy/grafana/lsc-business.json › Payments matched…` or `PrometheusRule lsc-membership › LscDeadLetters`. */
  where: string;
  expr: string;
}
export interface ObservabilityQueries {
  queries: Query[];
  /** Names defined by recording rules: they exist in Prometheus without any service exporting them. */
  recorded: string[];
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? yamlFilesUnder(path) : /\.ya?ml$/.test(f) ? [path] : [];
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const panelQueries = (panels: any[] = []): Array<{ title: string; expr: string }> =>
  panels.flatMap((p: any) => [...(p.targets ?? []).filter((t: any) => typeof t.expr === 'string' && t.expr.trim()).map((t: any) => ({ title: String(p.title), expr: t.expr as string })), ...panelQueries(p.panels)]);
const variableQueries = (d: any): Array<{ title: string; expr: string }> =>
  (d.templating?.list ?? []).filter((v: any) => v.type === 'query').map((v: any) => ({ title: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query?.query ?? '' }))
    // label_values(metric, label) / query_result(expr): check the metric / the expression.
    .map((q: { title: string; expr: string }) => ({ ...q, expr: q.expr.replace(/^\s*label_values\(\s*(.*?)\s*(,\s*\w+\s*)?\)\s*$/, '$1').replace(/^\s*query_result\((.*)\)\s*$/, '$1') }))
    .filter((q: { expr: string }) => q.expr && !/^label_names\(|^metrics\(/.test(q.expr));

/** Every PromQL expression of the dashboards (deploy/grafana/*.json) and the PrometheusRules (any YAML under deploy/k8s). */
export function observabilityQueries(repoRoot: string): ObservabilityQueries {
  const queries: Query[] = [];
  const recorded: string[] = [];
  const grafana = join(repoRoot, 'deploy', 'grafana');
  for (const f of readdirSync(grafana).filter((x) => x.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(grafana, f), 'utf8'));
    for (const { title, expr } of [...panelQueries(dashboard.panels), ...variableQueries(dashboard)]) queries.push({ where: `deploy/grafana/${f} › ${title}`, expr });
  }
  for (const file of yamlFilesUnder(join(repoRoot, 'deploy', 'k8s')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS())) {
      if (doc?.kind !== 'PrometheusRule') continue;
      for (const group of doc.spec?.groups ?? []) {
        for (const rule of group.rules ?? []) {
          if (rule.record) recorded.push(rule.record);
          queries.push({ where: `${relative(repoRoot, file)} › ${rule.alert ?? rule.record}`, expr: String(rule.expr) });
        }
      }
    }
  }
  return { queries, recorded };
}
