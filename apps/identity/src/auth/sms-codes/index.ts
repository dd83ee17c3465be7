export * from './sms-sender';
export * from './local-sms-sender';
export type { AliyunSmsConfig, SendSmsClient } from './aliyun-sms-sender';
export * from './sms-sender.factory';
export * from './sms-code.service';
