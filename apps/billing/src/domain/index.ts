export * from './dates';
export * from './fee-schedule';
export * from './payment-order';
export * from './integration';
export * from './transfer';
export * from './transfer-set-aside';
export * from './four-eyes';
export * from './transfer-follow-up';
