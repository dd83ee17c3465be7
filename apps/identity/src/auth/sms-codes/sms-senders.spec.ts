import { SendSmsResponse, SendSmsResponseBody, type SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AliyunSmsSender, SmsDeliveryError, type SendSmsClient } from './aliyun-sms-sender';
import { LocalSmsSender, readLocalSmsOutbox } from './local-sms-sender';
import { createSmsSender } from './sms-sender.factory';

const templateCodes = { register: 'SMS_1', login: 'SMS_2', reset: 'SMS_3', change_email: 'SMS_4', change_mobile: 'SMS_5' };

/** Stands in for the remote gateway only; records what the SDK would have sent. */
class RecordingClient implements SendSmsClient {
  readonly requests: SendSmsRequest[] = [];
  constructor(private readonly code: string) {}
  async sendSms(request: SendSmsRequest): Promise<SendSmsResponse> {
    this.requests.push(request);
    return new SendSmsResponse({ statusCode: 200, headers: {}, body: new SendSmsResponseBody({ code: this.code, message: this.code === 'OK' ? 'OK' : '触发小时级流控Permits:5', requestId: 'r1', bizId: 'b1' }) });
  }
}

describe('AliyunSmsSender', () => {
  it('sends the purpose template with the code as template parameter', async () => {
    const client = new RecordingClient('OK');
    await new AliyunSmsSender(client, { signName: '中国图书馆学会', templateCodes }).sendVerificationCode({ phone: '13812345678', purpose: 'reset', code: '012345', ttlMinutes: 5 });
    expect(client.requests).toHaveLength(1);
    expect(client.requests[0]).toMatchObject({ phoneNumbers: '13812345678', signName: '中国图书馆学会', templateCode: 'SMS_3', templateParam: '{"code":"012345"}' });
  });

  it('turns a business error code into SmsDeliveryError', async () => {
    const sender = new AliyunSmsSender(new RecordingClient('isv.BUSINESS_LIMIT_CONTROL'), { signName: '中国图书馆学会', templateCodes });
    const error = await sender.sendVerificationCode({ phone: '13812345678', purpose: 'login', code: '111111', ttlMinutes: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect((error as SmsDeliveryError).providerCode).toBe('isv.BUSINESS_LIMIT_CONTROL');
  });

  it('builds the real SDK client from credentials without any network call', () => {
    expect(AliyunSmsSender.create({ accessKeyId: 'id', accessKeySecret: 'secret', signName: '中国图书馆学会', templateCodes })).toBeInstanceOf(AliyunSmsSender);
  });
});

describe('LocalSmsSender and createSmsSender', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'identity-sms-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends JSONL and never logs the code unless told to', async () => {
    const outboxFile = join(dir, 'nested', 'outbox.jsonl');
    const logs: object[] = [];
    const sender = new LocalSmsSender({ outboxFile, logCodes: false }, { info: (obj) => logs.push(obj) });
    await sender.sendVerificationCode({ phone: '13812345678', purpose: 'login', code: '424242', ttlMinutes: 5 });
    await sender.sendVerificationCode({ phone: '13812345678', purpose: 'login', code: '434343', ttlMinutes: 5 });
    expect((await readLocalSmsOutbox(outboxFile)).map((r) => r.code)).toEqual(['424242', '434343']);
    expect(JSON.stringify(logs)).not.toMatch(/424242|434343|13812345678/);
  });

  it('reads an absent outbox as empty', async () => {
    expect(await readLocalSmsOutbox(join(dir, 'none.jsonl'))).toEqual([]);
  });

  it('selects the adapter from config and refuses the local outbox in production', async () => {
    expect(await createSmsSender({ provider: 'local', outboxFile: join(dir, 'o.jsonl') }, 'development')).toBeInstanceOf(LocalSmsSender);
    expect(await createSmsSender({ provider: 'aliyun', accessKeyId: 'i', accessKeySecret: 's', signName: '中国图书馆学会', templateCodes }, 'production')).toBeInstanceOf(AliyunSmsSender);
    await expect(createSmsSender({ provider: 'local', outboxFile: join(dir, 'o.jsonl') }, 'production')).rejects.toThrow(/production/);
  });

  it('logs codes only when asked to and running in development', async () => {
    const logs: object[] = [];
    const logger = { info: (obj: object) => logs.push(obj) };
    await (await createSmsSender({ provider: 'local', outboxFile: join(dir, 'o.jsonl'), logCodes: true }, 'test', logger)).sendVerificationCode({ phone: '13812345678', purpose: 'login', code: '515151', ttlMinutes: 5 });
    expect(JSON.stringify(logs)).not.toContain('515151');
    await (await createSmsSender({ provider: 'local', outboxFile: join(dir, 'o.jsonl'), logCodes: true }, 'development', logger)).sendVerificationCode({ phone: '13812345678', purpose: 'login', code: '616161', ttlMinutes: 5 });
    expect(JSON.stringify(logs)).toContain('616161');
  });
});
