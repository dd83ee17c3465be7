export * from './errors';
export * from './outbox-relay';
export * from './event-router';
export * from './effects';
export * from './nest';
