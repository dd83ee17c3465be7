export * from './types';
export { createReconciler, Reconciler } from './reconciler';
export { makePaymentCode, isValidPaymentCode, findPaymentCodes, normalisePaymentCode, MAX_PAYMENT_CODE_NUMBER } from './payment-code';
export { coreOf, normaliseText } from './normalise';
export { nameSimilarity } from './similarity';
