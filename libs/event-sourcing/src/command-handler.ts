import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { IntegrationEvent } from '@lsc/contracts';
import { fold, type Command, type Decider, type DomainEvent } from './decider';
import { ConcurrencyError, type NewEvent, type OutboxMessage, type PostgresEventStore, type StoredEvent } from './postgres/event-store';
import { withTransaction } from './postgres/sql';

export interface Decided<S, E extends DomainEvent> {
  streamId: string;
  /** Events this command produced (empty when the command was a no-op, e.g. a redelivered fact). */
  events: E[];
  stored: NewEvent[];
  state: S;
  version: number;
}

export interface CommandHandlerOptions<C extends Command, S, E extends DomainEvent> {
  decider: Decider<C, S, E>;
  store: PostgresEventStore;
  /** Maps new domain events to the integration events other services see (the contracts), written to the outbox. */
  toIntegrationEvents?: (decided: { streamId: string; state: S; events: E[]; stored: NewEvent[] }) => Array<{ topic: string; event: Omit<IntegrationEvent, 'eventId' | 'streamId' | 'occurredAt' | 'correlationId' | 'causationId'> & Partial<IntegrationEvent> }>;
  maxAttempts?: number;
  newId?: () => string;
}

/**
 * Load → decide → append, with the optimistic-concurrency conflict retried a bounded number of times.
 * Inside a caller's transaction each attempt runs under a savepoint, so a conflict does not abort the caller's work.
 */
export class CommandHandler<C extends Command, S, E extends DomainEvent> {
  private readonly maxAttempts: number;
  private readonly newId: () => string;

  constructor(private readonly options: CommandHandlerOptions<C, S, E>) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.newId = options.newId ?? randomUUID;
  }

  async load(streamId: string, client?: PoolClient): Promise<{ state: S; version: number; history: StoredEvent[] }> {
    const history = await this.options.store.readStream(streamId, { client });
    const { decider } = this.options;
    return { state: fold(decider.evolve, decider.initialState(), history as unknown as E[]), version: history.length === 0 ? 0 : history[history.length - 1].streamVersion, history };
  }

  async handle(streamId: string, command: C, options: { client?: PoolClient; afterAppend?: (client: PoolClient, decided: Decided<S, E>) => Promise<void> } = {}): Promise<Decided<S, E>> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (options.client) {
          const client = options.client;
          await client.query('savepoint es_command');
          try {
            const decided = await this.attempt(client, streamId, command, options.afterAppend);
            await client.query('release savepoint es_command');
            return decided;
          } catch (err) {
            await client.query('rollback to savepoint es_command');
            throw err;
          }
        }
        return await withTransaction(this.options.store.pool, (client) => this.attempt(client, streamId, command, options.afterAppend));
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw err;
      }
    }
  }

  private async attempt(client: PoolClient, streamId: string, command: C, afterAppend?: (client: PoolClient, decided: Decided<S, E>) => Promise<void>): Promise<Decided<S, E>> {
    const { decider, store } = this.options;
    const { state, version } = await this.load(streamId, client);
    const events = decider.decide(command, state);
    const meta = command.metadata;
    const stored: NewEvent[] = events.map((e) => ({
      eventId: this.newId(),
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: { correlationId: meta.correlationId, actor: meta.actor, occurredAt: meta.now, commandType: command.type },
    }));
    const newState = fold(decider.evolve, state, events);
    const outbox: OutboxMessage[] = (this.options.toIntegrationEvents?.({ streamId, state: newState, events, stored }) ?? []).map(({ topic, event }) => ({
      topic,
      key: event.streamId ?? streamId,
      event: {
        eventId: event.eventId ?? this.newId(),
        streamId: event.streamId ?? streamId,
        occurredAt: event.occurredAt ?? meta.now,
        correlationId: event.correlationId ?? meta.correlationId,
        causationId: event.causationId ?? stored[0]?.eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
      },
    }));
    const result = await store.append(streamId, decider.streamType, version === 0 ? 'no_stream' : version, stored, { outbox, client });
    const decided: Decided<S, E> = { streamId, events, stored, state: newState, version: result.nextExpectedVersion };
    await afterAppend?.(client, decided);
    return decided;
  }
}
