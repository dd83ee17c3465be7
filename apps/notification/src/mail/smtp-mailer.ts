import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { MailDeliveryError, type Mailer, type OutgoingMail, type SentMail } from './mailer';
import { classifySmtpError } from './smtp-error-classifier';

export interface SmtpMailerConfig {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** e.g. "中国图书馆学会 <member@lsc.org.cn>" */
  readonly from: string;
  /**
   * Sum of raw attachment bytes. Base64 grows them by a third, so 15 MB stays under a common 25 MB
   * server limit; checking here saves a doomed upload.
   */
  readonly maxAttachmentBytes?: number;
  readonly timeoutMs?: number;
  /**
   * SMTP connections kept open and reused for later mails (0: a new connection, greeting and EHLO, with TLS its
   * handshake, for every mail). Measured against the local catcher, 300 mails with PDF and XML attachments: 97 mails/s
   * and 2.4 ms of CPU per mail pooled, 65 mails/s and 3.7–6.4 ms one connection per mail.
   */
  readonly poolConnections?: number;
}

export const DEFAULT_MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;

// Same deliberately small grammar the servers we talk to enforce; anything fancier is refused up front.
const ADDRESS = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function checkOutgoing(mail: OutgoingMail, maxAttachmentBytes: number): MailDeliveryError | null {
  const recipients = typeof mail.to === 'string' ? [mail.to] : [...mail.to];
  if (recipients.length === 0) return new MailDeliveryError('permanent', 'invalid_address', '没有收件人');
  const bad = recipients.filter((r) => !ADDRESS.test(r));
  if (bad.length > 0) return new MailDeliveryError('permanent', 'invalid_address', `收件人地址格式错误：${bad.join(', ')}`);
  const total = (mail.attachments ?? []).reduce((sum, a) => sum + a.content.length, 0);
  if (total > maxAttachmentBytes) return new MailDeliveryError('permanent', 'too_large', `附件共 ${total} 字节，超过上限 ${maxAttachmentBytes} 字节`);
  return null;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo | SMTPPool.SentMessageInfo>;
  private readonly maxAttachmentBytes: number;

  constructor(private readonly config: SmtpMailerConfig) {
    const timeout = config.timeoutMs ?? 15_000;
    this.maxAttachmentBytes = config.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
    const connection = {
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: config.auth ? { user: config.auth.user, pass: config.auth.pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    };
    const pooled = config.poolConnections ?? 0;
    // A pooled connection the server has closed (idle timeout, restart) fails the mail sent on it as a connection
    // error, which the delivery worker retries like any other transient failure.
    this.transport = pooled > 0 ? createTransport({ ...connection, pool: true, maxConnections: pooled }) : createTransport(connection);
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const problem = checkOutgoing(mail, this.maxAttachmentBytes);
    if (problem) throw problem;
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        messageId: mail.messageId,
        to: typeof mail.to === 'string' ? mail.to : [...mail.to],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
      return { messageId: info.messageId };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  close(): void {
    this.transport.close();
  }

  /** Nest calls this on shutdown, after the delivery worker has let its sends finish: pooled connections are closed. */
  onApplicationShutdown(): void {
    this.close();
  }
}
