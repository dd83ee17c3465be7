import { rmSync } from 'node:fs';
import { MailDeliveryError, type OutgoingMail } from './mailer';
import { readStored, startCatcher as start, storedMessages, tempMailDir, type RunningCatcher } from './mail-test-helpers';
import { SmtpMailer, type SmtpMailerConfig } from './smtp-mailer';

const FROM = '中国图书馆学会 <member@lsc.example.cn>';
const pdf = Buffer.concat([Buffer.from('%PDF-1.3\n'), Buffer.alloc(4096, 7)]);
const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<EInvoice><Header><EIid>26112000000000000001</EIid></Header></EInvoice>');

const invoiceMail: OutgoingMail = {
  to: 'lib@example.cn',
  subject: '【中国图书馆学会】电子发票 26112000000000000001',
  html: '<p>您好，附件为电子发票。</p>',
  text: '您好，附件为电子发票。',
  attachments: [
    { filename: '26112000000000000001.pdf', content: pdf, contentType: 'application/pdf' },
    { filename: '26112000000000000001.xml', content: xml, contentType: 'application/xml' },
  ],
};

async function failureOf(promise: Promise<unknown>): Promise<MailDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MailDeliveryError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

describe('SmtpMailer against the local catcher', () => {
  let dir: string;
  let catcher: RunningCatcher | undefined;
  const mailers: SmtpMailer[] = [];
  const mailerFor = (port: number, extra: Partial<SmtpMailerConfig> = {}): SmtpMailer => {
    const mailer = new SmtpMailer({ host: '127.0.0.1', port, secure: false, from: FROM, timeoutMs: 3000, ...extra });
    mailers.push(mailer);
    return mailer;
  };

  beforeEach(async () => {
    dir = tempMailDir();
    catcher = await start({ port: 0, dir });
  });
  afterEach(async () => {
    mailers.splice(0).forEach((m) => m.close());
    await catcher?.close();
    catcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a mail with PDF and XML attachments intact', async () => {
    const { messageId } = await mailerFor(catcher!.port).send(invoiceMail);
    expect(messageId).toMatch(/^<.+@.+>$/);
    const [file] = storedMessages(dir);
    const mail = await readStored(dir, file);
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe(invoiceMail.subject);
    expect(mail.from?.text).toContain('中国图书馆学会');
    expect(mail.html).toContain('附件为电子发票');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['26112000000000000001.pdf', 'application/pdf'],
      ['26112000000000000001.xml', 'application/xml'],
    ]);
    expect(mail.attachments[0].content.equals(pdf)).toBe(true);
    expect(mail.attachments[1].content.equals(xml)).toBe(true);
  });

  it('reports a transient connection failure while the server is down, and delivers once it is back', async () => {
    const port = catcher!.port;
    await catcher!.close();
    catcher = undefined;
    const mailer = mailerFor(port);
    const failure = await failureOf(mailer.send(invoiceMail));
    expect(failure).toMatchObject({ kind: 'transient', reason: 'connection', retryable: true });

    catcher = await start({ port, dir });
    await expect(mailer.send(invoiceMail)).resolves.toHaveProperty('messageId');
    expect(storedMessages(dir)).toHaveLength(1);
  });

  it('reports a recipient the server refuses (550) as permanent', async () => {
    const failure = await failureOf(mailerFor(catcher!.port).send({ ...invoiceMail, to: 'nobody@example.invalid' }));
    expect(failure).toMatchObject({ kind: 'permanent', reason: 'invalid_address', responseCode: 550 });
    expect(storedMessages(dir)).toEqual([]);
  });

  it('refuses a malformed address before connecting', async () => {
    await catcher!.close();
    catcher = undefined;
    const failure = await failureOf(mailerFor(1).send({ ...invoiceMail, to: ['lib@example.cn', '企业机构测试'] }));
    expect(failure).toMatchObject({ kind: 'permanent', reason: 'invalid_address' });
    expect(failure.message).toContain('企业机构测试');
  });

  it('refuses oversized attachments before connecting', async () => {
    await catcher!.close();
    catcher = undefined;
    const failure = await failureOf(mailerFor(1, { maxAttachmentBytes: 4000 }).send(invoiceMail));
    expect(failure).toMatchObject({ kind: 'permanent', reason: 'too_large' });
  });

  it('reports a message the server finds too large (552) as permanent', async () => {
    await catcher!.close();
    catcher = await start({ port: 0, dir, maxSize: 2000 });
    const failure = await failureOf(mailerFor(catcher.port).send(invoiceMail));
    expect(failure).toMatchObject({ kind: 'permanent', reason: 'too_large', responseCode: 552 });
  });

  it('pooled, consecutive mails share one SMTP session; unpooled, each mail opens its own', async () => {
    const pooled = mailerFor(catcher!.port, { poolConnections: 1 });
    for (let i = 0; i < 4; i++) await pooled.send(invoiceMail);
    expect(catcher!.sessions()).toBe(1);
    const unpooled = mailerFor(catcher!.port, { poolConnections: 0 });
    for (let i = 0; i < 3; i++) await unpooled.send(invoiceMail);
    expect(catcher!.sessions()).toBe(4);
    expect(storedMessages(dir)).toHaveLength(7);
  });

  it('pooled, a restart of the server (its pooled sessions closed with 421) costs no mail: the next one opens a new session', async () => {
    const port = catcher!.port;
    const mailer = mailerFor(port, { poolConnections: 2 });
    await mailer.send(invoiceMail);
    await catcher!.close();
    catcher = await start({ port, dir });
    await expect(mailer.send(invoiceMail)).resolves.toHaveProperty('messageId');
    expect(catcher.sessions()).toBe(1);
    expect(storedMessages(dir)).toHaveLength(2);
  });

  it('pooled, a refused recipient (550) is permanent and the pool goes on to deliver the next mail', async () => {
    const mailer = mailerFor(catcher!.port, { poolConnections: 1 });
    expect(await failureOf(mailer.send({ ...invoiceMail, to: 'nobody@example.invalid' }))).toMatchObject({ kind: 'permanent', reason: 'invalid_address', responseCode: 550 });
    await expect(mailer.send(invoiceMail)).resolves.toHaveProperty('messageId');
    expect(storedMessages(dir)).toHaveLength(1); // (nodemailer ends a pooled session after a failed mail; the next opens another)
  });

  it('pooled, a server that is down is a transient failure like any other', async () => {
    const port = catcher!.port;
    await catcher!.close();
    catcher = undefined;
    const failure = await failureOf(mailerFor(port, { poolConnections: 2 }).send(invoiceMail));
    expect(failure).toMatchObject({ kind: 'transient', reason: 'connection', retryable: true });
  });
});
