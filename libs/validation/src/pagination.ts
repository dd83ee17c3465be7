import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';

/** The largest page any list answers unless an endpoint declares its own (smaller or, for exports, larger) maximum. */
export const MAX_PAGE_SIZE = 200;
/**
 * The deepest a client may page. Far beyond any real list here (tens of thousands of rows), and small enough that
 * `offset` is a plain integer for SQL: `1e21` would otherwise reach PostgreSQL as `1e+21` and fail there (500).
 */
export const MAX_PAGE_OFFSET = 1_000_000;
export const MAX_PAGE_NUMBER = 100_000;

/**
 * Query strings carry text: only plain decimal digits become a number. `1e21`, `0x10`, `1.5`, `-1`, ` 7` and `abc`
 * stay text and are refused by the range rule below, instead of Number() turning some of them into valid-looking values.
 */
const toWholeNumber = Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value));

function wholeNumberIn(name: string, label: string, min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name,
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
      defaultMessage: () => `${label}须为${min}至${max}之间的整数`,
    },
  });
}

function optionalWholeNumber(name: string, label: string, min: number, max: number): PropertyDecorator {
  const decorators = [toWholeNumber, IsOptional(), wholeNumberIn(name, label, min, max)];
  return (target: object, property: string | symbol) => decorators.forEach((decorate) => decorate(target, property));
}

/** `limit`: how many rows one answer holds, 1..max (default MAX_PAGE_SIZE). Optional; the endpoint picks the default. */
export function PageLimit(options: { max?: number; label?: string } = {}): PropertyDecorator {
  return optionalWholeNumber('pageLimit', options.label ?? '每页条数', 1, options.max ?? MAX_PAGE_SIZE);
}

/** `offset`: rows skipped, 0..MAX_PAGE_OFFSET. Optional (0). */
export function PageOffset(options: { max?: number; label?: string } = {}): PropertyDecorator {
  return optionalWholeNumber('pageOffset', options.label ?? '偏移量', 0, options.max ?? MAX_PAGE_OFFSET);
}

/** `page`: 1-based page number, 1..MAX_PAGE_NUMBER. Optional (1). */
export function PageNumber(options: { max?: number; label?: string } = {}): PropertyDecorator {
  return optionalWholeNumber('pageNumber', options.label ?? '页码', 1, options.max ?? MAX_PAGE_NUMBER);
}
