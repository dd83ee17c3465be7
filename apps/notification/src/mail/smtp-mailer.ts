import { createTransport, type Transporter } from 'nodemailer';
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
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly maxAttachmentBytes: number;

  constructor(private readonly config: SmtpMailerConfig) {
    const timeout = config.timeoutMs ?? 15_000;
    this.maxAttachmentBytes = config.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
    this.transport = createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: config.auth ? { user: config.auth.user, pass: config.auth.pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
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
}
