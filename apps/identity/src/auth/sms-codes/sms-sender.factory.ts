import type { AliyunSmsConfig } from './aliyun-sms-sender';
import { LocalSmsSender, type InfoLogger } from './local-sms-sender';
import type { SmsSender } from './sms-sender';

export type SmsSenderConfig =
  | { provider: 'local'; outboxFile: string; logCodes?: boolean }
  | ({ provider: 'aliyun' } & AliyunSmsConfig);

/**
 * Chooses the delivery adapter from config; production must never fall back to the local outbox silently.
 * The Alibaba Cloud SDK is loaded only when it is the configured provider: requiring it costs ~0.5 s of CPU at every
 * start, which a restarting identity service under load (and every local start) would otherwise pay for nothing.
 */
export async function createSmsSender(config: SmsSenderConfig, nodeEnv: string | undefined = process.env.NODE_ENV, logger?: InfoLogger): Promise<SmsSender> {
  if (config.provider === 'aliyun') return (await import('./aliyun-sms-sender')).AliyunSmsSender.create(config);
  if (nodeEnv === 'production') throw new Error('SMS provider "local" is not allowed in production; configure provider "aliyun"');
  return new LocalSmsSender({ outboxFile: config.outboxFile, logCodes: (config.logCodes ?? false) && nodeEnv === 'development' }, logger);
}
