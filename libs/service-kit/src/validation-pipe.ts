import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { validationFailed } from './errors';
import { describeValidationErrors, isValidatedObject, unsafeTextProblems, withUnsafeTextProblems, type ValidatedPart } from './validation-problems';

/** Carries class-validator's errors out of ValidationPipe to where it is known whether a body or a query failed. */
class ValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/**
 * The global pipe: unknown keys refused, values transformed, and every failure answered in Chinese, one problem per
 * fault, naming the field (`describeValidationErrors`). Errors keep their target and value so that rule arguments can
 * be read and an absent value told apart; neither is sent to the client.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      validationError: { target: true, value: true },
      exceptionFactory: (errors: ValidationError[]) => new ValidationErrors(errors),
    });
  }

  /** Also holds every string of the DTO to the free-text rule (unsafeTextProblems). */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (err) {
      if (err instanceof ValidationErrors) throw validationFailed(withUnsafeTextProblems(describeValidationErrors(err.errors, metadata.type as ValidatedPart), err.errors[0]?.target));
      throw err;
    }
    const unsafe = isValidatedObject(result) ? unsafeTextProblems(result) : [];
    if (unsafe.length > 0) throw validationFailed(unsafe);
    return result;
  }
}
