export * from './password-hasher';
export * from './credential-checker';
export * from './staff-password-policy';
