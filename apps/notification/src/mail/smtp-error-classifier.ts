import { MailDeliveryError, type MailFailureReason } from './mailer';

/** The fields nodemailer puts on its errors; all optional because sockets and DNS fail differently. */
export interface SmtpErrorShape {
  readonly message?: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly response?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function shapeOf(error: unknown): SmtpErrorShape {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    message: str(e.message),
    code: str(e.code),
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    command: str(e.command),
    response: str(e.response),
  };
}

function permanentReason(shape: SmtpErrorShape): MailFailureReason {
  const text = `${shape.response ?? ''} ${shape.message ?? ''}`;
  // 552 and enhanced status 5.3.4 both mean "message too big"; a retry of the same bytes is pointless.
  if (shape.responseCode === 552 || /\b5\.3\.4\b/.test(text)) return 'too_large';
  if (shape.code === 'EAUTH') return 'auth';
  const rcpt = (shape.command ?? '').toUpperCase().startsWith('RCPT');
  if (rcpt || [550, 551, 553].includes(shape.responseCode ?? 0) || /\b5\.1\.\d\b/.test(text)) return 'invalid_address';
  return 'rejected';
}

/** Maps an SMTP/socket failure to permanent vs transient, following RFC 5321 reply classes (4xx vs 5xx). */
export function classifySmtpError(error: unknown): MailDeliveryError {
  const shape = shapeOf(error);
  const message = shape.response ?? shape.message ?? 'unknown SMTP failure';
  const code = shape.responseCode;
  if (code !== undefined && code >= 500 && code < 600) return new MailDeliveryError('permanent', permanentReason(shape), message, code, { cause: error });
  if (code !== undefined && code >= 400 && code < 500) return new MailDeliveryError('transient', 'temporary_rejection', message, code, { cause: error });
  if (shape.code === 'ETIMEDOUT') return new MailDeliveryError('transient', 'timeout', message, undefined, { cause: error });
  if (shape.code !== undefined && CONNECTION_CODES.has(shape.code)) return new MailDeliveryError('transient', 'connection', message, undefined, { cause: error });
  if (shape.code === 'EAUTH') return new MailDeliveryError('permanent', 'auth', message, undefined, { cause: error });
  // nodemailer raises EENVELOPE itself for unusable addresses before talking to the server.
  if (shape.code === 'EENVELOPE') return new MailDeliveryError('permanent', 'invalid_address', message, undefined, { cause: error });
  return new MailDeliveryError('transient', 'unknown', message, undefined, { cause: error });
}
