export * from './totp';
export * from './secret-box';
