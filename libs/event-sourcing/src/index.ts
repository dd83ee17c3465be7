export * from './decider';
export * from './upcasters';
export * from './command-handler';
export * from './projections';
export * from './postgres/event-store';
export * from './postgres/schema';
export * from './postgres/sql';
export { onEventsCommitted, WakeableSleep } from './postgres/commit-signal';
export * from './postgres/multi-stream';
