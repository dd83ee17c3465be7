import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { backgroundWorkersEnabled, PG_POOL } from '@lsc/messaging';
import { CONFIG, LOGGER } from '@lsc/service-kit';
import type { NotificationConfig } from '../config';
import { MAILER, MailDeliveryError, type Mailer } from '../mail';
import { findRecipient } from '../recipients/recipient-store';
import { backoffMs } from './backoff';
import { composeMail } from './compose-mail';
import { claimDue, markFailed, markRetry, markSent, type ClaimedDelivery } from './delivery-store';
import { MailMetrics } from './mail-metrics';

/**
 * Sends claimed deliveries, off the Kafka consumer's path: a slow or absent SMTP server delays mail, never the
 * partition (no stalled consumer, no rebalance).
 *
 * Exactly-once: a claim is a lease. If the process dies after claiming but before sending, the lease runs out and the
 * next worker sends the mail — once. The one window left is between the SMTP server accepting the message and our
 * `sent` commit: a crash there re-sends after the lease (at most one duplicate, same Message-ID
 * `<delivery id@domain>`, so it is recognisable). SMTP offers no way to ask "did you get it?", so no design closes it.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private nudged = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly messageDomain: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MailMetrics,
  ) {
    this.messageDomain = /@([^>\s]+)>?\s*$/.exec(config.MAIL_FROM)?.[1] ?? 'lsc.org.cn';
  }

  onApplicationBootstrap(): void {
    if (backgroundWorkersEnabled() && this.config.DELIVERY_WORKER === 'on') this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /**
   * A delivery row was just committed: run a pass now instead of at the next poll (up to DELIVERY_POLL_MS later — most of
   * the mail's latency otherwise). The poll stays for retries, other instances' rows and nudges this process missed.
   */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  /**
   * Keeps up to DELIVERY_BATCH mails in flight and claims the next due delivery as soon as one finishes, rather than
   * claiming a batch and waiting for its slowest send: one statement releases a burst of mails (payment received,
   * membership activated, e-invoice for each transfer), and batches with a barrier queued them for seconds.
   */
  private async loop(): Promise<void> {
    const limit = this.config.DELIVERY_BATCH;
    while (!this.stopping) {
      const room = limit - this.inFlight.size;
      let claimed = 0;
      if (room > 0) {
        this.nudged = false; // this claim sees every delivery committed before it
        try {
          claimed = await this.startDue(room);
        } catch (err) {
          this.logger.error({ err }, 'delivery worker could not claim deliveries; retrying');
        }
      }
      if (this.stopping) break;
      if (this.inFlight.size >= limit) await Promise.race(this.inFlight);
      else if (claimed < room && !this.nudged) await this.pause(this.config.DELIVERY_POLL_MS);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims up to `max` due deliveries and starts sending them; returns how many were claimed. */
  private async startDue(max: number): Promise<number> {
    const claims = await claimDue(this.pool, { batch: max, leaseMs: this.config.DELIVERY_LEASE_MS });
    if (claims.length > 0 && this.config.NOTIFICATION_FAULT === 'after_claim') this.die('after_claim');
    for (const claim of claims) {
      // deliver() settles every outcome itself (sent, retry, failed); the catch only keeps a defect in it from ending the
      // loop (Promise.race) — the claim's lease then runs out and the delivery is retried.
      const sending: Promise<void> = this.deliver(claim)
        .catch((err: unknown) => this.logger.error({ err, deliveryId: claim.id }, 'delivery failed unexpectedly; its lease will expire and it is retried'))
        .finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
    return claims.length;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    let to: string | null = null;
    try {
      const recipient = claim.institutionId ? await findRecipient(this.pool, claim.institutionId) : undefined;
      to = recipient?.email ?? null;
      if (!to) throw new MailDeliveryError('transient', 'unknown', '尚未收到该单位的注册邮箱');
      const mail = composeMail({
        template: claim.template,
        payload: claim.payload,
        to,
        registeredName: recipient?.name ?? null,
        contacts: { portalUrl: this.config.PORTAL_URL, contactPhone: this.config.CONTACT_PHONE, contactEmail: this.config.CONTACT_EMAIL },
        messageId: `<${claim.id}@${this.messageDomain}>`,
      });
      const { messageId } = await this.mailer.send(mail);
      if (this.config.NOTIFICATION_FAULT === 'after_send') this.die('after_send');
      if (await markSent(this.pool, claim, { recipient: to, messageId })) this.metrics.mails.inc({ outcome: 'sent', template: claim.template });
      else this.logger.warn({ deliveryId: claim.id }, 'mail sent but the claim had expired and was taken over; lease is shorter than a send');
    } catch (err) {
      await this.settleFailure(claim, to, err);
    }
  }

  private async settleFailure(claim: ClaimedDelivery, to: string | null, err: unknown): Promise<void> {
    const failure = err instanceof MailDeliveryError ? err : new MailDeliveryError('transient', 'unknown', err instanceof Error ? err.message : String(err), undefined, { cause: err });
    const error = failure.responseCode && !failure.message.startsWith(String(failure.responseCode)) ? `${failure.responseCode} ${failure.message}` : failure.message;
    const exhausted = claim.attempts >= this.config.DELIVERY_MAX_ATTEMPTS;
    try {
      if (failure.kind === 'permanent' || exhausted) {
        const reason = failure.kind === 'permanent' ? failure.reason : `retries_exhausted:${failure.reason}`;
        if (await markFailed(this.pool, claim, { recipient: to, error, reason })) this.metrics.mails.inc({ outcome: 'failed', template: claim.template });
        this.logger.warn({ deliveryId: claim.id, template: claim.template, reason, error }, 'mail delivery failed');
      } else {
        const delayMs = backoffMs(claim.attempts, this.config.DELIVERY_BACKOFF_BASE_MS, this.config.DELIVERY_BACKOFF_MAX_MS);
        await markRetry(this.pool, claim, { recipient: to, error, reason: failure.reason, delayMs });
        this.logger.info({ deliveryId: claim.id, attempt: claim.attempts, delayMs, error }, 'mail delivery failed transiently; will retry');
      }
    } catch (dbErr) {
      // The claim stays `sending` until its lease ends, then it is retried: nothing is lost.
      this.logger.error({ err: dbErr, deliveryId: claim.id }, 'could not record the delivery outcome');
    }
  }

  private die(point: string): void {
    this.logger.fatal({ point }, 'NOTIFICATION_FAULT: killing the process');
    process.kill(process.pid, 'SIGKILL');
  }
}
