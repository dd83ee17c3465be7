import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { IntegrationEventEnvelope, versionedName, type IntegrationEvent } from './envelope';

type Constructor<T> = new () => T;

/** One versioned integration-event contract: its name, topic, payload class and an example payload. */
export interface Contract<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly topic: string;
  readonly payload: Constructor<TData>;
  readonly example: TData;
  readonly name: string;
}

export function defineContract<TType extends string, TData extends object>(spec: {
  type: TType;
  schemaVersion: number;
  topic: string;
  payload: Constructor<TData>;
  example: TData;
}): Contract<TType, TData> {
  return { ...spec, name: versionedName(spec.type, spec.schemaVersion) };
}

export type EventOf<C> = C extends Contract<infer T, infer D> ? IntegrationEvent<T, D> : never;

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export class ContractViolation extends Error {
  constructor(
    readonly problems: FieldProblem[],
    readonly contractName?: string,
  ) {
    super(`${contractName ?? 'message'} is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** Validates a plain object against a class-validator class; unknown fields are tolerated (forward compatibility). */
export function validateAs<T extends object>(cls: Constructor<T>, plain: unknown, contractName?: string): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ContractViolation([{ field: '(root)', rule: 'isObject', message: 'must be a JSON object' }], contractName);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ContractViolation(flattenValidationErrors(errors), contractName);
  return instance;
}

export function validateEnvelope(plain: unknown): IntegrationEventEnvelope {
  return validateAs(IntegrationEventEnvelope, plain, 'envelope');
}
