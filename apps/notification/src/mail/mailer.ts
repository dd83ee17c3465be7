/** Outbound mail port: the notification service depends on this, never on nodemailer directly. */

export interface MailAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType: string;
}

export interface OutgoingMail {
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
  /** A stable Message-ID (e.g. derived from the delivery id), so a repeated send is recognisable as the same mail. */
  readonly messageId?: string;
}

export interface SentMail {
  readonly messageId: string;
}

export interface Mailer {
  /** Resolves with the Message-ID, or rejects with a MailDeliveryError saying whether a retry can help. */
  send(mail: OutgoingMail): Promise<SentMail>;
}

export const MAILER = Symbol('Mailer');

/** permanent: retrying the same message cannot succeed (fix data / give up); transient: retry with backoff. */
export type MailFailureKind = 'permanent' | 'transient';

export type MailFailureReason =
  | 'invalid_address'
  | 'rejected'
  | 'too_large'
  | 'auth'
  | 'connection'
  | 'timeout'
  | 'temporary_rejection'
  | 'unknown'
  /** Raised before SMTP: the mail cannot be built (template field missing, attachment absent or not the announced bytes). */
  | 'bad_content';

export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    readonly kind: MailFailureKind,
    readonly reason: MailFailureReason,
    message: string,
    readonly responseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}
