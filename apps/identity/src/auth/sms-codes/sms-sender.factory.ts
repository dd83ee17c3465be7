import { AliyunSmsSender, type AliyunSmsConfig } from './aliyun-sms-sender';
import { LocalSmsSender, type InfoLogger } from './local-sms-sender';
import type { SmsSender } from './sms-sender';

export type SmsSenderConfig =
  | { provider: 'local'; outboxFile: string; logCodes?: boolean }
  | ({ provider: 'aliyun' } & AliyunSmsConfig);

/** Chooses the delivery adapter from config; production must never fall back to the local outbox silently. */
export function createSmsSender(config: SmsSenderConfig, nodeEnv: string | undefined = process.env.NODE_ENV, logger?: InfoLogger): SmsSender {
  if (config.provider === 'aliyun') return AliyunSmsSender.create(config);
  if (nodeEnv === 'production') throw new Error('SMS provider "local" is not allowed in production; configure provider "aliyun"');
  return new LocalSmsSender({ outboxFile: config.outboxFile, logCodes: (config.logCodes ?? false) && nodeEnv === 'development' }, logger);
}
