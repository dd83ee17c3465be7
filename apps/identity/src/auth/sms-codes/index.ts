export * from './sms-sender';
export * from './local-sms-sender';
export * from './aliyun-sms-sender';
export * from './sms-sender.factory';
export * from './sms-code.service';
