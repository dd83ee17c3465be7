export * from './invoice-number';
export * from './invoice-document';
export * from './invoice-pdf';
export * from './invoice-qr';
export * from './invoice-xml';
export * from './uploaded-invoice';
export { formatYuan, parseYuanToFen } from './money';
export { resolveCjkFontPath } from './cjk-font';
