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

/** What the SMTP server accepted: all that is left to do with it is record it. */
interface AcceptedMail {
  readonly recipient: string;
  readonly messageId: string;
  /** performance.now() when the send resolved. */
  readonly acceptedAt: number;
}

const RECORD_RETRY_MAX_MS = 2000;
/** On shutdown, how long an accepted mail's record is still retried (well inside the pods' 40 s termination grace). */
const RECORD_GRACE_ON_SHUTDOWN_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends claimed deliveries, off the Kafka consumer's path: a slow or absent SMTP server delays mail, never the
 * partition (no stalled consumer, no rebalance).
 *
 * Exactly-once: a claim is a lease. If the process dies after claiming but before sending, the lease runs out and the
 * next worker sends the mail — once. Once the SMTP server has accepted a mail, only recording it remains, and a
 * database that is away (a restart, a failover) only delays that record: it is retried here, and a lease that runs
 * out meanwhile and is re-claimed by this process is recorded, not sent again. The one window left is a crash of this
 * process between the SMTP server's acceptance and the `sent` commit: the mail is re-sent after the lease (at most one
 * duplicate, same Message-ID `<delivery id@domain>`, so it is recognisable). SMTP offers no way to ask "did you get
 * it?", so no design closes it; lsc_mail_record_delay_seconds shows how wide it is.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private nudged = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Mails the SMTP server accepted whose `sent` record has not committed yet, by delivery id, with the claim recording it. */
  private readonly acceptedUnrecorded = new Map<string, { mail: AcceptedMail; claimToken: string }>();
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
    const accepted = this.acceptedUnrecorded.get(claim.id);
    if (accepted) {
      // Our earlier claim's lease ran out while its record could not be written: the mail is out, record it under this claim.
      this.logger.warn({ deliveryId: claim.id }, 're-claimed a delivery whose mail was already accepted; recording it, not sending it again');
      return this.recordSent(claim, accepted.mail);
    }
    let to: string | null = null;
    let messageId: string;
    try {
      const recipient = claim.institutionId ? await findRecipient(this.pool, claim.institutionId) : undefined;
      to = recipient?.email ?? null;
      if (!to) throw new MailDeliveryError('transient', 'unknown', '尚未收到该单位的注册邮箱');
      const mail = composeMail({
        template: claim.template,
        payload: claim.payload,
        to,
        registeredName: recipient?.name ?? null,
        contacts: { publicBaseUrl: this.config.PUBLIC_BASE_URL, contactPhone: this.config.CONTACT_PHONE, contactEmail: this.config.CONTACT_EMAIL },
        messageId: `<${claim.id}@${this.messageDomain}>`,
      });
      ({ messageId } = await this.mailer.send(mail));
    } catch (err) {
      return this.settleFailure(claim, to, err);
    }
    if (this.config.NOTIFICATION_FAULT === 'after_send') this.die('after_send');
    await this.recordSent(claim, { recipient: to, messageId, acceptedAt: performance.now() });
  }

  /**
   * Records an accepted mail as sent, retrying while the database is unreachable: a failure here is not a failed send,
   * and treating it as one (retry → send) was how a PostgreSQL restart produced a second e-mail.
   */
  private async recordSent(claim: ClaimedDelivery, accepted: AcceptedMail): Promise<void> {
    this.acceptedUnrecorded.set(claim.id, { mail: accepted, claimToken: claim.claimToken });
    // Forgotten only by the claim that holds the entry: a re-claim by this process has replaced it and records it itself.
    const forget = () => {
      if (this.acceptedUnrecorded.get(claim.id)?.claimToken === claim.claimToken) this.acceptedUnrecorded.delete(claim.id);
    };
    let giveUpAt: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const ours = await markSent(this.pool, claim, accepted);
        forget();
        if (ours) {
          this.metrics.mails.inc({ outcome: 'sent', template: claim.template });
          this.metrics.recordDelay.observe((performance.now() - accepted.acceptedAt) / 1000);
          if (attempt > 1) this.logger.info({ deliveryId: claim.id, attempt }, 'sent mail recorded after the database returned');
        } else {
          // Either an earlier try of this record committed but its answer was lost with the connection, or the lease ran
          // out and the delivery was claimed again (by this process, which then records it without sending, or a replica).
          this.logger.warn({ deliveryId: claim.id }, 'mail sent; the delivery was already recorded or claimed again');
        }
        return;
      } catch (err) {
        if (this.stopping) giveUpAt ??= Date.now() + RECORD_GRACE_ON_SHUTDOWN_MS;
        if (giveUpAt !== undefined && Date.now() >= giveUpAt) {
          forget();
          this.logger.error({ err, deliveryId: claim.id, messageId: accepted.messageId }, 'shutting down before the sent mail could be recorded; its lease will expire and it will be sent again');
          return;
        }
        if (attempt === 1) this.logger.warn({ err, deliveryId: claim.id }, 'mail accepted by the SMTP server but not yet recorded; retrying the record');
        await sleep(Math.min(RECORD_RETRY_MAX_MS, 100 * 2 ** Math.min(attempt - 1, 10)));
      }
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
