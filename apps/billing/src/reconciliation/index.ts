export * from './types';
export { createReconciler, NO_MATCH_NOTE, Reconciler } from './reconciler';
export { createDuplicateFinder, DuplicateFinder, DUPLICATE_LOOKBACK_DAYS, PossibleDuplicate } from './duplicate-finder';
export { makePaymentCode, issuePaymentCode, isValidPaymentCode, findPaymentCodes, normalisePaymentCode, MAX_PAYMENT_CODE_NUMBER } from './payment-code';
export { coreOf, normaliseText } from './normalise';
export { nameSimilarity } from './similarity';
