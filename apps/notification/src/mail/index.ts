export * from './mailer';
export { SmtpMailer, checkOutgoing, DEFAULT_MAX_ATTACHMENT_BYTES, type SmtpMailerConfig } from './smtp-mailer';
export { classifySmtpError } from './smtp-error-classifier';
