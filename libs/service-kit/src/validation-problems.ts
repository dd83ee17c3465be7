import type { ValidationError } from 'class-validator';
import { getMetadataStorage } from 'class-validator';
import type { FieldProblem } from '@lsc/contracts';
import { fieldLabel, hasUnsafeText, unsafeTextMessage } from '@lsc/validation';

/** Where the validated value came from: an unknown key reads "字段" in a body and "查询参数" in a query string. */
export type ValidatedPart = 'body' | 'query' | 'param' | 'custom';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** Rules whose failure means "absent": when one of them fails, the value was not given, and nothing else is said. */
const PRESENCE_RULES = new Set(['isDefined', 'isNotEmpty', 'required']);
/**
 * Rules about the kind of value. When one fails, the range and format rules of the same field fail as a consequence
 * (`abc` is "not an integer", not also "below 1" and "above 5"): only the kind is reported.
 */
const KIND_RULES = new Set(['isString', 'isText', 'isInt', 'isNumber', 'isNumberString', 'isBoolean', 'isArray', 'isObject', 'nestedValidation', 'isDateString', 'isIso8601', 'isEnum']);

const isAbsent = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * class-validator errors → one Chinese problem per fault, each naming its field:
 * - rules declared without a Chinese message (class-validator's English defaults) get one built from the rule, its
 *   arguments and the field's Chinese label (`fieldLabel`);
 * - an absent value is one fault: one problem is reported (the DTO's own words first, else "X不能为空"), not every
 *   rule that an absent value breaks;
 * - a value of the wrong kind is one fault: the kind problem is reported, not the ranges it cannot meet;
 * - the same message is never repeated for a field.
 * Needs the errors' `target` and `value` (validationError: { target: true, value: true }) to read rule arguments and
 * tell an absent value; without them it still translates and de-duplicates.
 */
export function describeValidationErrors(errors: readonly ValidationError[], part: ValidatedPart = 'body', prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]): Problem => {
      const declared = CJK.test(message);
      return { field, rule, message: declared ? message : chineseMessage(rule, field, error, part), declared };
    });
    return [...oneFault(own, error), ...describeValidationErrors(error.children ?? [], part, field)];
  });
}

interface Problem extends FieldProblem {
  /** The DTO's own wording (true) or one built here from class-validator's English default (false). */
  declared: boolean;
}

const plain = ({ field, rule, message }: Problem): FieldProblem => ({ field, rule, message });

function oneFault(problems: Problem[], error: ValidationError): FieldProblem[] {
  if (problems.length === 0) return [];
  // An unknown key is its own fault, whatever its value ("?q=" included).
  if (problems.some((p) => p.rule === 'whitelistValidation')) return problems.map(plain);
  const presence = problems.filter((p) => PRESENCE_RULES.has(p.rule));
  if (presence.length > 0) return [plain(presence[0])];
  const kind = problems.filter((p) => KIND_RULES.has(p.rule));
  const preferDeclared = (list: Problem[]) => list.find((p) => p.declared) ?? list[0];
  if ('value' in error && isAbsent(error.value)) {
    // "请填写取消原因" says it; "取消原因不能为空且不能超过500个字符" would say it again. The DTO's own words first.
    const chosen = kind.find((p) => p.declared) ?? problems.find((p) => p.declared) ?? problems[0];
    return [chosen.declared ? plain(chosen) : { field: chosen.field, rule: chosen.rule, message: `${fieldLabel(chosen.field)}不能为空` }];
  }
  if (kind.length > 0) return [plain(preferDeclared(kind))];
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message)).map(plain);
}

/** A Chinese message for a rule that was declared without one. */
function chineseMessage(rule: string, field: string, error: ValidationError, part: ValidatedPart): string {
  if (rule === 'whitelistValidation') return part === 'query' ? `不支持的查询参数：${field}` : `不支持的字段：${field}`;
  const label = fieldLabel(field);
  const args = ruleArguments(error, rule);
  const [a, b] = args;
  switch (rule) {
    case 'isDefined':
    case 'isNotEmpty':
      return `${label}不能为空`;
    case 'isString':
      return `${label}须为文本`;
    case 'isInt':
      return `${label}须为整数`;
    case 'isNumber':
    case 'isNumberString':
      return `${label}须为数字`;
    case 'isBoolean':
      return `${label}须为 true 或 false`;
    case 'isArray':
      return `${label}须为列表`;
    case 'isObject':
    case 'nestedValidation':
      return field === 'body' || field === 'query' ? '请求内容须为JSON对象' : `${label}须为对象`;
    case 'isLength':
      return typeof a === 'number' && typeof b === 'number' ? `${label}长度须为${a}至${b}个字符` : `${label}长度不正确`;
    case 'minLength':
      return `${label}至少${String(a)}个字符`;
    case 'maxLength':
      return `${label}不能超过${String(a)}个字符`;
    case 'min':
      return `${label}不能小于${String(a)}`;
    case 'max':
      return `${label}不能大于${String(a)}`;
    case 'isPositive':
      return `${label}须大于0`;
    case 'arrayMinSize':
      return `${label}至少包含${String(a)}项`;
    case 'arrayMaxSize':
      return `${label}最多包含${String(a)}项`;
    case 'isIn':
      return Array.isArray(a) && a.length <= 12 ? `${label}须为${a.join('、')}之一` : `${label}不在可选范围内`;
    case 'isEnum':
      return `${label}不在可选范围内`;
    case 'isDateString':
    case 'isIso8601':
      return `${label}须为日期（YYYY-MM-DD）`;
    default:
      return `${label}格式不正确`;
  }
}

/** The arguments a rule was declared with (e.g. Max(500) → [500]), read from class-validator's metadata. */
function ruleArguments(error: ValidationError, rule: string): unknown[] {
  const target = error.target?.constructor;
  if (typeof target !== 'function') return [];
  const storage = getMetadataStorage();
  for (const metadata of storage.getTargetValidationMetadatas(target, '', true, false)) {
    if (metadata.propertyName !== error.property) continue;
    const name = metadata.name ?? storage.getTargetValidatorConstraints(metadata.constraintCls)[0]?.name;
    if (name === rule) return (metadata.constraints as unknown[] | undefined) ?? [];
  }
  return [];
}

/** A DTO instance: an object whose class declares class-validator rules. */
export const isValidatedObject = (value: unknown): value is object =>
  typeof value === 'object' &&
  value !== null &&
  // Fastify's query and params objects have no prototype, hence no constructor.
  typeof value.constructor === 'function' &&
  getMetadataStorage().getTargetValidationMetadatas(value.constructor, '', true, false).length > 0;

const isWalkable = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || isValidatedObject(value));

/**
 * The platform's rule for all free text (`UNSAFE_TEXT` in @lsc/validation), applied to every string a DTO carries —
 * nested DTOs and lists included — so no field that reaches a document, a mail header or a log can bring CR/LF,
 * other control characters or bidi overrides, whether or not its DTO remembered to say so. One problem per field.
 */
export function unsafeTextProblems(value: unknown, prefix = ''): FieldProblem[] {
  if (typeof value === 'string') return prefix && hasUnsafeText(value) ? [{ field: prefix, rule: 'plainText', message: unsafeTextMessage(fieldLabel(prefix)) }] : [];
  if (Array.isArray(value)) {
    const problems = value.flatMap((item, i) => unsafeTextProblems(item, `${prefix}.${i}`));
    // A list of strings is one field to the person filling it in: named once.
    return value.every((item) => typeof item === 'string') && problems.length > 0 ? [{ ...problems[0]!, field: prefix, message: unsafeTextMessage(fieldLabel(prefix)) }] : problems;
  }
  if (!isWalkable(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => unsafeTextProblems(v, prefix ? `${prefix}.${key}` : key));
}

/** Adds the unsafe-text problems of fields the other rules did not already refuse: one fault per field. */
export function withUnsafeTextProblems(problems: readonly FieldProblem[], instance: unknown): FieldProblem[] {
  const named = (field: string) => problems.some((p) => p.field === field || p.field.startsWith(`${field}.`) || field.startsWith(`${p.field}.`));
  return [...problems, ...unsafeTextProblems(instance).filter((p) => !named(p.field))];
}
