import { getMetadataStorage } from 'class-validator';

type Problem = { field: string; rule: string; message: string };
type DtoClass = new () => object;
/** Validates `value` against a DTO class the way the service does; resolves to the problems it answers (none: accepted). */
export type DtoValidator = (cls: DtoClass, value: Record<string, unknown>) => Promise<Problem[]>;

/** Texts that must never be accepted in any field: header injection, a bare CR, NUL, a bidi override, an isolate. */
export const UNSAFE_SAMPLES = ['北京\r\nBcc: all@example.org', '北\r京', 'a\u0000b', '发票\u202E0202', 'x\u2066y\u2069', 'a\u0085b'];

const declaredProperties = (cls: DtoClass): string[] => [...new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName))];

/** Every exported class of the modules that declares class-validator rules. */
export function dtoClassesOf(...modules: object[]): DtoClass[] {
  return [...new Set(modules.flatMap((m) => Object.values(m)).filter((v): v is DtoClass => typeof v === 'function' && declaredProperties(v as DtoClass).length > 0))];
}

/**
 * Sends every unsafe sample in every declared field of every DTO, one field at a time, and lists what was accepted or
 * refused without naming the field (in Chinese). An empty list means the rule holds everywhere.
 */
export async function acceptedUnsafeText(classes: readonly DtoClass[], validate: DtoValidator): Promise<string[]> {
  const holes: string[] = [];
  for (const cls of classes) {
    for (const property of declaredProperties(cls)) {
      for (const sample of UNSAFE_SAMPLES) {
        const problems = await validate(cls, { [property]: sample });
        const own = problems.filter((p) => p.field === property || p.field.startsWith(`${property}.`));
        if (own.length === 0 || !own.every((p) => /[\u4e00-\u9fff]/u.test(p.message))) holes.push(`${cls.name}.${property} ← ${JSON.stringify(sample)}: ${JSON.stringify(own)}`);
      }
    }
  }
  return holes;
}

/**
 * A DtoValidator from the service's own check (its validation pipe, or identity's validateBody): a refusal is read from
 * the standard error body's details (duck-typed, so this library needs no service-kit); anything else is rethrown.
 */
export function validatorFrom(check: (cls: DtoClass, value: Record<string, unknown>) => Promise<unknown>): DtoValidator {
  return async (cls, value) => {
    try {
      await check(cls, value);
      return [];
    } catch (err) {
      const body = (err as { getResponse?: () => unknown }).getResponse?.() as { details?: Problem[] } | undefined;
      if (body && Array.isArray(body.details)) return body.details;
      throw err;
    }
  };
}
