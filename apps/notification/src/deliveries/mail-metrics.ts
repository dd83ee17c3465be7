import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { Metrics } from '@lsc/service-kit';
import { TEMPLATE_NAMES } from '../templates';

/** lsc_mails_total counts final outcomes only: a send that will be retried is neither sent nor failed yet. */
@Injectable()
export class MailMetrics {
  readonly mails: Counter<'outcome' | 'template'>;
  /**
   * From the SMTP server's acceptance to the committed `sent` record: a crash inside this interval sends the mail once
   * more after the lease, so it is how exposed the service is to duplicates.
   */
  readonly recordDelay: Histogram;

  constructor(@Inject(Metrics) metrics: Metrics) {
    this.mails =
      (metrics.registry.getSingleMetric('lsc_mails_total') as Counter<'outcome' | 'template'> | undefined) ??
      new Counter({ name: 'lsc_mails_total', help: 'Notification mails by final outcome (sent, failed) and template', labelNames: ['outcome', 'template'], registers: [metrics.registry] });
    this.recordDelay =
      (metrics.registry.getSingleMetric('lsc_mail_record_delay_seconds') as Histogram | undefined) ??
      new Histogram({
        name: 'lsc_mail_record_delay_seconds',
        help: 'Time from the SMTP server accepting a mail to its sent record committing (the window in which a crash re-sends it)',
        buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 5],
        registers: [metrics.registry],
      });
    // Every template's sent/failed series exists (at 0) from the first scrape, so the failure alert and the dashboard see them.
    metrics.initialiseSeries('lsc_mails_total', TEMPLATE_NAMES.flatMap((template) => ['sent', 'failed'].map((outcome) => ({ outcome, template }))));
  }
}
