export * from './arithmetic';
export * from './raster-renderer';
export * from './glyph-atlas';
export * from './captcha.service';
