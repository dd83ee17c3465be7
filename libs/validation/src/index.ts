export * from './normalize';
export * from './phone';
export * from './postcode';
export * from './contact';
export * from './region';
export * from './address';
export * from './credit-code';
export * from './amount-in-words';
