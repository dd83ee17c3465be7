export * from './password-hasher';
export * from './credential-checker';
