export * from './shared/clock';
export * from './captcha';
export * from './sms-codes';
export * from './passwords';
export * from './tokens';
export * from './brute-force';
export * from './totp';
