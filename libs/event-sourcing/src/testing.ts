import { DomainError, fold, type Command, type Decider, type DomainEvent } from './decider';

/**
 * given(events).when(command).then(events | error) for any decider, in jest.
 *   specFor(decider).given([e1]).when(cmd).then([e2]);
 *   specFor(decider).given([]).when(cmd).thenThrows('APPLICATION_ALREADY_PAID');
 */
export function specFor<C extends Command, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  return {
    given(events: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider.evolve, decider.initialState(), events));
          return {
            then(expected: E[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(code: string): void {
              let thrown: unknown;
              try {
                run();
              } catch (err) {
                thrown = err;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
            },
            /** For assertions on part of the result (e.g. generated numbers). */
            events(): E[] {
              return run();
            },
          };
        },
      };
    },
  };
}
