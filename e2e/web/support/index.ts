export * from './browser';
export * from './axe';
export * from './screenshots';
export * from './identity';
