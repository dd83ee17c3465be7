import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { verificationSmsText, type SmsPurpose, type SmsSender, type VerificationSms } from './sms-sender';

export interface LocalSmsSenderConfig {
  /** JSONL file that tests and `npm start` read messages from, e.g. `.var/identity/sms-outbox.jsonl`. */
  outboxFile: string;
  /** Only true in development: a code in a log is a credential anyone with log access can use. */
  logCodes: boolean;
}

export interface LocalSmsRecord {
  sentAt: string;
  phone: string;
  purpose: SmsPurpose;
  code: string;
  text: string;
}

export interface InfoLogger {
  info(obj: object, msg: string): void;
}

/** Development/test delivery: appends each message to a JSONL outbox instead of calling an SMS gateway. */
export class LocalSmsSender implements SmsSender {
  constructor(
    private readonly config: LocalSmsSenderConfig,
    private readonly logger?: InfoLogger,
  ) {}

  async sendVerificationCode(message: VerificationSms): Promise<void> {
    const record: LocalSmsRecord = { sentAt: new Date().toISOString(), phone: message.phone, purpose: message.purpose, code: message.code, text: verificationSmsText(message) };
    await mkdir(dirname(this.config.outboxFile), { recursive: true });
    await appendFile(this.config.outboxFile, `${JSON.stringify(record)}\n`, { encoding: 'utf8', mode: 0o600 });
    if (this.config.logCodes) this.logger?.info({ phone: message.phone, purpose: message.purpose, code: message.code }, 'sms written to local outbox');
    else this.logger?.info({ purpose: message.purpose, outbox: this.config.outboxFile }, 'sms written to local outbox');
  }
}

/** Reads the outbox back, newest last; absent file means nothing was sent yet. */
export async function readLocalSmsOutbox(outboxFile: string): Promise<LocalSmsRecord[]> {
  let content: string;
  try {
    content = await readFile(outboxFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LocalSmsRecord);
}
