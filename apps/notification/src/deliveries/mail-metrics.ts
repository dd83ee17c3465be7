import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from '@lsc/service-kit';
import { TEMPLATE_NAMES } from '../templates';

/** lsc_mails_total counts final outcomes only: a send that will be retried is neither sent nor failed yet. */
@Injectable()
export class MailMetrics {
  readonly mails: Counter<'outcome' | 'template'>;

  constructor(@Inject(Metrics) metrics: Metrics) {
    this.mails =
      (metrics.registry.getSingleMetric('lsc_mails_total') as Counter<'outcome' | 'template'> | undefined) ??
      new Counter({ name: 'lsc_mails_total', help: 'Notification mails by final outcome (sent, failed) and template', labelNames: ['outcome', 'template'], registers: [metrics.registry] });
    // Every template's sent/failed series exists (at 0) from the first scrape, so the failure alert and the dashboard see them.
    metrics.initialiseSeries('lsc_mails_total', TEMPLATE_NAMES.flatMap((template) => ['sent', 'failed'].map((outcome) => ({ outcome, template }))));
  }
}
