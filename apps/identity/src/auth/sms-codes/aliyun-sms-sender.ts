import Dysmsapi, { SendSmsRequest, type SendSmsResponse } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { SmsPurpose, SmsSender, VerificationSms } from './sms-sender';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** 短信签名, approved in the Aliyun console, e.g. 中国图书馆学会. */
  signName: string;
  /** Approved template per purpose; each template takes a `${code}` variable. */
  templateCodes: Record<SmsPurpose, string>;
  endpoint?: string;
}

/** The one SDK call this adapter needs; the SDK client satisfies it and tests can supply their own. */
export interface SendSmsClient {
  sendSms(request: SendSmsRequest): Promise<SendSmsResponse>;
}

export class SmsDeliveryError extends Error {
  constructor(
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

/** Delivers verification codes through Alibaba Cloud SMS (dysmsapi 2017-05-25). */
export class AliyunSmsSender implements SmsSender {
  constructor(
    private readonly client: SendSmsClient,
    private readonly config: Pick<AliyunSmsConfig, 'signName' | 'templateCodes'>,
  ) {}

  static create(config: AliyunSmsConfig): AliyunSmsSender {
    const client = new Dysmsapi(
      new $OpenApiUtil.Config({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, endpoint: config.endpoint ?? 'dysmsapi.aliyuncs.com' }),
    );
    return new AliyunSmsSender(client, config);
  }

  async sendVerificationCode(message: VerificationSms): Promise<void> {
    const request = new SendSmsRequest({
      phoneNumbers: message.phone,
      signName: this.config.signName,
      templateCode: this.config.templateCodes[message.purpose],
      templateParam: JSON.stringify({ code: message.code }),
    });
    const response = await this.client.sendSms(request);
    const code = response.body?.code ?? 'NO_BODY';
    // The gateway answers HTTP 200 with a business code; only "OK" means the message was accepted.
    if (code !== 'OK') throw new SmsDeliveryError(code, `Aliyun SMS refused the message: ${code} ${response.body?.message ?? ''}`.trim());
  }
}
