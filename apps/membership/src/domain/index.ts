export * from './dates';
export * from './term-policy';
export * from './application';
export * from './fee-schedule';
export * from './membership';
export * from './integration';
