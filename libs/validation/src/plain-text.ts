/**
 * Characters that have no place in text the platform prints or mails: C0 controls (CR and LF included — they split
 * mail headers and forge lines in documents), DEL and C1 controls, the Unicode line and paragraph separators, the
 * bidi marks and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: they make "3202" read
 * "2023" on an invoice or hide a file name's real extension).
 */
export const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export const hasUnsafeText = (value: string): boolean => UNSAFE_TEXT.test(value);

export const unsafeTextMessage = (label: string): string => `${label}不能包含换行符、控制字符或文字方向控制符`;
