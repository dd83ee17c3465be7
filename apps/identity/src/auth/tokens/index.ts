export * from './signing-key';
export * from './access-tokens';
export * from './refresh-tokens';
