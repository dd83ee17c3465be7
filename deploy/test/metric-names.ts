/** Every metric the dashboards and alerts may use: what the services export (or will), plus Prometheus/prom-client defaults. */
export const METRIC_NAMES = [
  'http_request_duration_seconds', // histogram: service, method, route, status_code
  'kafka_consumer_lag', // gauge: topic, partition, group
  'kafka_messages_consumed_total', // counter: topic, outcome = processed|duplicate|dead_lettered
  'outbox_pending_events',
  'outbox_oldest_pending_age_seconds',
  'outbox_published_total',
  'dead_letters_total', // counter: topic
  'lsc_registrations_total',
  'lsc_applications_submitted_total', // kind = new|renewal
  'lsc_payments_matched_total', // mode = auto|manual
  'lsc_invoices_issued_total',
  'lsc_mails_total', // outcome = sent|failed, template
  'lsc_unmatched_transfer_oldest_age_seconds',
  'up',
] as const;

/** prom-client default metrics (collectDefaultMetrics) are allowed by prefix. */
export const DEFAULT_METRIC_PREFIXES = ['process_', 'nodejs_'] as const;
/** Histograms are queried through their _bucket/_count/_sum series. */
export const HISTOGRAMS = ['http_request_duration_seconds'] as const;
export const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'atan2',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'absent', 'absent_over_time',
  'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max', 'changes', 'resets', 'label_replace', 'label_join',
  'vector', 'scalar', 'time', 'timestamp', 'sort', 'sort_desc', 'predict_linear', 'avg_over_time', 'min_over_time',
  'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'quantile_over_time', 'exp', 'ln', 'log2', 'log10', 'sqrt',
  'inf', 'nan',
]);

/** Metric names used in a PromQL expression: identifiers that are not keywords/functions, label names, label values, durations or template variables. */
export function metricsInPromQL(expr: string): string[] {
  const cleaned = expr
    .replace(/\{\{[^}]*\}\}/g, ' ') // Go templates in annotations
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ') // label values
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping label lists
    .replace(/\$\{?\w+\}?/g, ' '); // dashboard variables
  const ids = cleaned.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(ids.filter((id) => !PROMQL_WORDS.has(id) && !/^\d/.test(id) && !/^(e|E)\d*$/.test(id)))];
}

export function isKnownMetric(name: string): boolean {
  if ((METRIC_NAMES as readonly string[]).includes(name)) return true;
  if (DEFAULT_METRIC_PREFIXES.some((p) => name.startsWith(p))) return true;
  return HISTOGRAM_SUFFIXES.some((s) => name.endsWith(s) && (HISTOGRAMS as readonly string[]).includes(name.slice(0, -s.length)));
}
