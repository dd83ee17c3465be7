import type { CommandMetadata } from '@lsc/event-sourcing';
import { currentCorrelationId } from '@lsc/service-kit';

/** Command metadata for "now", by this actor, in the current request's correlation. */
export const metadataFor = (actor: string, correlationId = currentCorrelationId()): CommandMetadata => ({ now: new Date().toISOString(), actor, correlationId });

/** bigint columns arrive as strings from pg; fen always fits a safe integer. */
export const fen = (value: string | number | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));
