import { createHash } from 'node:crypto';
import { MailDeliveryError, type MailAttachment, type OutgoingMail } from '../mail';
import { portalLinkFor, renderTemplate, type TemplateData, type TemplateName } from '../templates';

/** How members reach the society: the portal (PUBLIC_BASE_URL, deep links are built from it), phone and e-mail. */
export interface SocietyContacts {
  readonly publicBaseUrl: string;
  readonly contactPhone: string;
  readonly contactEmail: string;
}

interface InvoiceDocument {
  format: string;
  documentId: string;
  contentType: string;
  sha256: string;
  contentBase64?: string;
}

const bad = (message: string, cause?: unknown) => new MailDeliveryError('permanent', 'bad_content', message, undefined, { cause });

/**
 * The e-invoice travels inside the event; its bytes must be exactly what billing announced (sha256), since a
 * member forwards this file to its auditors. A missing or altered document is a permanent failure, not a mail
 * without its invoice.
 */
export function invoiceAttachments(documents: readonly InvoiceDocument[]): MailAttachment[] {
  return documents.map((d) => {
    if (!d.contentBase64) throw bad(`票据文件 ${d.documentId} 未随事件提供内容（contentBase64），无法作为附件发送`);
    const content = Buffer.from(d.contentBase64, 'base64');
    const digest = createHash('sha256').update(content).digest('hex');
    if (digest !== d.sha256) throw bad(`票据文件 ${d.documentId} 的 sha256 与事件不符（${digest}）`);
    return { filename: d.documentId.slice(d.documentId.lastIndexOf('/') + 1), content, contentType: d.contentType };
  });
}

/** The name to greet: identity's registered name wins over the (possibly older) copy an event carries. */
export function institutionNameFor(payload: Record<string, unknown>, registeredName: string | null): string {
  const fromEvent = [payload.institutionName, payload.buyerName, payload.name].find((v): v is string => typeof v === 'string' && v.length > 0);
  return registeredName ?? fromEvent ?? '贵单位';
}

/** Pure: template + stored event data + recipient → the mail to hand to the Mailer port. */
export function composeMail(input: {
  template: TemplateName;
  payload: Record<string, unknown>;
  to: string;
  registeredName: string | null;
  contacts: SocietyContacts;
  messageId?: string;
}): OutgoingMail {
  const { publicBaseUrl, contactPhone, contactEmail } = input.contacts;
  const links = portalLinkFor(input.template, input.payload, publicBaseUrl);
  const data = { ...input.payload, ...links, contactPhone, contactEmail, institutionName: institutionNameFor(input.payload, input.registeredName) } as unknown as TemplateData<TemplateName>;
  let rendered;
  try {
    rendered = renderTemplate(input.template, data);
  } catch (err) {
    throw bad(`邮件模板 ${input.template} 渲染失败：${err instanceof Error ? err.message : String(err)}`, err);
  }
  const attachments = input.template === 'invoice-issued' ? invoiceAttachments((input.payload.documents ?? []) as InvoiceDocument[]) : [];
  return { to: input.to, ...rendered, attachments, messageId: input.messageId };
}
