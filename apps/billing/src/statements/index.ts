export * from './types';
export { MAX_STATEMENT_LINES, parseStatement, ParseStatementOptions } from './parse-statement';
export { parseAmountFen } from './money';
export { parseDateTime, ParsedDateTime } from './dates';
export { decodeText } from './encoding';
export { BANK_OF_BEIJING_PROFILE, GENERIC_PROFILE, BUILT_IN_PROFILES, ColumnProfile, detectProfile } from './profiles';
