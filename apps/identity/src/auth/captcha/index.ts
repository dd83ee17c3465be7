export * from './arithmetic';
export * from './svg-renderer';
export * from './captcha.service';
