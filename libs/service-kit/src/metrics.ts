import { createServer, type Server } from 'node:http';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, labelled with the service name. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly kafkaConsumerLag: Gauge<'topic' | 'partition' | 'group'>;
  readonly kafkaMessagesConsumed: Counter<'topic' | 'outcome'>;
  readonly kafkaConsumerJoined: Gauge<'group'>;
  readonly kafkaConsumerJoins: Counter<'group'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    // The loop-delay sampler stays at prom-client's 10 ms although that timer wakes an idle service 100 times a second
    // (measured: ~10 ms CPU/s in an idle gateway, ~1 at 50 ms): its samples include the interval, so a coarser one
    // would shift every nodejs_eventloop_lag_* series, and the dashboard's lag panel, by as much.
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.kafkaConsumerLag = new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages behind the log end, per consumed partition (sampled on scrape)',
      labelNames: ['topic', 'partition', 'group'],
      registers: [this.registry],
    });
    // A consumer that serves HTTP but is not in its group handles no events: this says so where lag alone cannot
    // (lag only grows when something is published).
    this.kafkaConsumerJoined = new Gauge({
      name: 'kafka_consumer_joined',
      help: '1 while the service consumer is a member of its group with partitions assigned, 0 while joining, rebalancing, crashed or stopped',
      labelNames: ['group'],
      registers: [this.registry],
    });
    this.kafkaConsumerJoins = new Counter({
      name: 'kafka_consumer_group_joins_total',
      help: 'Times the service consumer joined its group (start, rebalances, rejoins after crashes)',
      labelNames: ['group'],
      registers: [this.registry],
    });
    this.kafkaMessagesConsumed = new Counter({
      name: 'kafka_messages_consumed_total',
      help: 'Kafka messages handled by outcome (processed, duplicate, dead_lettered, ignored)',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
  }

  private readonly samplers: Array<() => Promise<void>> = [];
  /** Registers work to refresh gauges right before a scrape (e.g. lag, outbox backlog). */
  addSampler(sampler: () => Promise<void>): void {
    this.samplers.push(sampler);
  }

  private readonly zeroSeries: Array<{ name: string; labelSets: ReadonlyArray<Record<string, string>> }> = [];
  /**
   * Label combinations a counter (or gauge) exports at 0 before anything happened, so dashboards and alerts find the
   * series (and `increase()` counts the first event) from the first scrape. Applied on scrape, whoever registers
   * the metric and whenever: a metric that is not registered yet is left alone.
   */
  initialiseSeries(name: string, labelSets: ReadonlyArray<Record<string, string>>): void {
    this.zeroSeries.push({ name, labelSets });
  }

  async render(): Promise<string> {
    await Promise.allSettled(this.samplers.map((s) => s()));
    for (const { name, labelSets } of this.zeroSeries) {
      const metric = this.registry.getSingleMetric(name) as Partial<Pick<Counter<string>, 'inc'>> | undefined;
      // Adding 0 creates a missing series and leaves an existing one as it is.
      if (typeof metric?.inc === 'function') for (const labels of labelSets) metric.inc(labels, 0);
    }
    return this.registry.metrics();
  }
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}

/**
 * `/metrics` on a port of its own (METRICS_PORT): a bare HTTP server with nothing else on it, so a NetworkPolicy that
 * lets Prometheus reach this port gives it the metrics and not the API.
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
