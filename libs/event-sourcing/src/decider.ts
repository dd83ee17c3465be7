/**
 * Aggregates are pure deciders: no I/O, no clock, no random ids. Time, ids and the actor arrive in the command's
 * metadata so a decision is a function of (command, state) alone and replays identically.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly data: TData;
}

export interface CommandMetadata {
  /** Wall-clock instant of the request, ISO-8601; the only "now" a decider may use. */
  readonly now: string;
  readonly actor: string;
  readonly correlationId: string;
  /** Fresh ids the decider may assign (e.g. a new membership id), supplied by the caller. */
  readonly ids?: readonly string[];
}

export interface Command<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  readonly metadata: CommandMetadata;
}

export interface Decider<TCommand extends Command, TState, TEvent extends DomainEvent> {
  readonly streamType: string;
  decide(command: TCommand, state: TState): TEvent[];
  evolve(state: TState, event: TEvent): TState;
  initialState(): TState;
}

/**
 * A rule the command broke. `code` is stable (API clients and tests use it); `message` is for end users (Chinese).
 * The HTTP layer maps it to 409/422 with the standard error shape.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const fold = <TState, TEvent>(evolve: (s: TState, e: TEvent) => TState, initial: TState, events: readonly TEvent[]): TState => events.reduce(evolve, initial);
