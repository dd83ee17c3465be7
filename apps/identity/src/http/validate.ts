import { plainToInstance, Transform } from 'class-transformer';
import { validate, ValidateBy, type ValidationOptions } from 'class-validator';
import { describeValidationErrors, unsafeTextProblems, validationFailed, withUnsafeTextProblems, type ValidatedPart } from '@lsc/service-kit';
import { characterCount, maxCharsMessage, normalizeInput, PlainText, requiredMessage } from '@lsc/validation';

/**
 * Validates a request body against a DTO with Chinese messages for every problem, including the ones class-validator
 * words in English (unknown fields). Used instead of the global pipe so multipart and JSON bodies share one path.
 */
export async function validateBody<T extends object>(cls: new () => T, body: unknown, part: ValidatedPart = 'body'): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw validationFailed([{ field: 'body', rule: 'isObject', message: '请求内容须为表单字段或JSON对象' }]);
  }
  const dto = plainToInstance(cls, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw validationFailed(withUnsafeTextProblems(describeValidationErrors(errors, part), dto));
  // Every string field, declared with NoControlCharacters or not, is held to the platform's free-text rule.
  const unsafe = unsafeTextProblems(dto);
  if (unsafe.length > 0) throw validationFailed(unsafe);
  return dto;
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Required field (带*): missing, null and whitespace-only all read "X不能为空". */
export function Required(label: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'required', validator: { validate: (v: unknown) => !isBlank(v), defaultMessage: () => requiredMessage(label) } }, options);
}

export function IsText(label: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isText', validator: { validate: (v: unknown) => typeof v === 'string', defaultMessage: () => `${label}须为文本` } }, options);
}

/** Length as the page's counters count it (characters, not UTF-16 units). */
export function MaxChars(max: number, label: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'maxChars', validator: { validate: (v: unknown) => typeof v === 'string' && characterCount(v) <= max, defaultMessage: () => maxCharsMessage(max, label) } },
    options,
  );
}

export function MatchesPattern(pattern: RegExp, message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'pattern', validator: { validate: (v: unknown) => typeof v === 'string' && pattern.test(v), defaultMessage: () => message } }, options);
}

export function IsOneOfList(isMember: (v: string) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'inList', validator: { validate: (v: unknown) => typeof v === 'string' && isMember(v), defaultMessage: () => message } }, options);
}

/** Optional form fields arrive as '' when left empty; treat that as absent (so @IsOptional skips them). */
export function EmptyAsAbsent(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && normalizeInput(value) === '' ? undefined : value));
}

/** Control characters (NUL, CR/LF, escapes, bidi overrides) have no place in names and addresses printed on certificates. */
export const NoControlCharacters = (label: string, options?: ValidationOptions): PropertyDecorator => PlainText(label, options);
