import { rmSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import { readStored, startCatcher as start, storedMessages, tempMailDir, type RunningCatcher } from './mail-test-helpers';

describe('tools/smtp-catcher', () => {
  let dir: string;
  let catcher: RunningCatcher | undefined;

  beforeEach(() => {
    dir = tempMailDir();
  });
  afterEach(async () => {
    await catcher?.close();
    catcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const transportTo = (port: number) => createTransport({ host: '127.0.0.1', port, secure: false, connectionTimeout: 3000 });

  it('stores a received message as a .eml file named by time and message id', async () => {
    catcher = await start({ port: 0, dir });
    expect(catcher.port).toBeGreaterThan(0);
    const info = await transportTo(catcher.port).sendMail({
      from: '中国图书馆学会 <member@lsc.example.cn>',
      to: 'lib@example.cn',
      subject: '欢迎注册',
      text: '您好，企业机构测试',
      attachments: [{ filename: '说明.txt', content: Buffer.from('附件内容'), contentType: 'text/plain' }],
    });
    const files = storedMessages(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z_.+\.eml$/);
    expect(files[0]).toContain(info.messageId.replace(/[<>]/g, ''));
    const mail = await readStored(dir, files[0]);
    expect(mail.subject).toBe('欢迎注册');
    expect(mail.text?.trim()).toBe('您好，企业机构测试');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([['说明.txt', '附件内容']]);
  });

  it('can be stopped and started again on the same port', async () => {
    catcher = await start({ port: 0, dir });
    const { port } = catcher;
    await catcher.close();
    catcher = undefined;
    await expect(transportTo(port).sendMail({ from: 'a@example.cn', to: 'b@example.cn', subject: 'x', text: 'x' })).rejects.toMatchObject({ code: 'ESOCKET' });
    catcher = await start({ port, dir });
    await transportTo(port).sendMail({ from: 'a@example.cn', to: 'b@example.cn', subject: '恢复', text: 'x' });
    expect(storedMessages(dir)).toHaveLength(1);
  });

  it('refuses recipients in the .invalid TLD and over-size messages', async () => {
    catcher = await start({ port: 0, dir, maxSize: 10_000 });
    await expect(transportTo(catcher.port).sendMail({ from: 'a@example.cn', to: 'nobody@example.invalid', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      transportTo(catcher.port).sendMail({ from: 'a@example.cn', to: 'b@example.cn', subject: 'x', text: 'x'.repeat(20_000) }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(storedMessages(dir)).toEqual([]);
  });

  it('listens on loopback only', async () => {
    await expect(start({ port: 0, dir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
