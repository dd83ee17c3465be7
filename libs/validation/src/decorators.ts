import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { streetAddressProblems } from './address';
import { institutionNameProblems, websiteProblems } from './contact';
import { validateCreditCode } from './credit-code';
import { emailProblems, landlineProblems, mismatchProblems, mobileProblems, postcodeProblems } from './field-rules';
import { normalizeInput } from './normalize';
import { passwordProblems } from './password';
import { hasUnsafeText, unsafeTextMessage } from './plain-text';
import { normalizeMobile } from './phone';
import { resolveRegion } from './region';

/** Chinese problems for a value; empty means valid. Non-strings are reported by the caller. */
type ProblemFinder = (value: string, object: object) => string[];

/**
 * One place that turns a rule into a class-validator decorator whose message names the field,
 * so every DTO shows the same wording as the web page.
 */
function chineseRule(name: string, label: string, problems: ProblemFinder, options?: ValidationOptions) {
  const problemsOf = (args: ValidationArguments): string[] =>
    typeof args.value === 'string' ? problems(args.value, args.object) : [`${label}须为文本`];
  return ValidateBy(
    {
      name,
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => args !== undefined && problemsOf(args).length === 0,
        defaultMessage: (args?: ValidationArguments) => (args === undefined ? `${label}不正确` : problemsOf(args).join('；')),
      },
    },
    options,
  );
}

function stringProperty(object: object, property: string): string {
  const value = (object as Record<string, unknown>)[property];
  return typeof value === 'string' ? value : '';
}

export function IsCnMobile(label = '手机号', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isCnMobile', label, (v) => mobileProblems(v, label), options);
}

export function IsCnLandline(label = '电话号码', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isCnLandline', label, (v) => landlineProblems(v, label), options);
}

export function IsCnPostcode(label = '邮编', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isCnPostcode', label, (v) => postcodeProblems(v, label), options);
}

export function IsContactEmail(label = '邮箱', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isContactEmail', label, (v) => emailProblems(v, label), options);
}

export function IsInstitutionName(label = '机构名称', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isInstitutionName', label, (v) => institutionNameProblems(v, label), options);
}

export function IsWebsite(label = '机构网址', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isWebsite', label, (v) => websiteProblems(v, label), options);
}

export function IsCreditCode(label = '统一社会信用代码', options?: ValidationOptions): PropertyDecorator {
  return chineseRule(
    'isCreditCode',
    label,
    (v) => {
      const check = validateCreditCode(v, label);
      return check.ok ? [] : [check.message];
    },
    options,
  );
}

export function IsCnPassword(label = '密码', options?: ValidationOptions): PropertyDecorator {
  return chineseRule('isCnPassword', label, (v) => passwordProblems(v, label), options);
}

/** For 确认密码: must equal the named sibling property. */
export function MatchesProperty(
  property: string,
  label = '确认密码',
  otherLabel = '密码',
  options?: ValidationOptions,
): PropertyDecorator {
  return chineseRule(
    'matchesProperty',
    label,
    (v, object) => mismatchProblems(v, stringProperty(object, property), label, otherLabel),
    options,
  );
}

/** Put on the district-code property; reads the province and city codes from the named siblings. */
export function IsRegionTriple(
  provinceProperty: string,
  cityProperty: string,
  label = '所在地区',
  options?: ValidationOptions,
): PropertyDecorator {
  return chineseRule(
    'isRegionTriple',
    label,
    (district, object) => {
      const resolution = resolveRegion(stringProperty(object, provinceProperty), stringProperty(object, cityProperty), district);
      return resolution.ok ? [] : [resolution.message.replace(/^所在地区/u, label)];
    },
    options,
  );
}

/**
 * 详细地址 checked against the region chosen in sibling code properties. An invalid region is left to
 * IsRegionTriple, so only the length rule applies then.
 */
export function IsStreetAddress(
  regionProperties: { readonly province: string; readonly city: string; readonly district: string },
  label = '详细地址',
  options?: ValidationOptions,
): PropertyDecorator {
  return chineseRule(
    'isStreetAddress',
    label,
    (address, object) => {
      const resolution = resolveRegion(
        stringProperty(object, regionProperties.province),
        stringProperty(object, regionProperties.city),
        stringProperty(object, regionProperties.district),
      );
      const names = resolution.ok
        ? {
            province: resolution.region.province.name,
            city: resolution.region.city.name,
            district: resolution.region.district.name,
          }
        : { province: '', city: '', district: '' };
      return streetAddressProblems(address, names, label);
    },
    options,
  );
}

/** class-transformer: store the NFKC-folded, trimmed form of string input. */
export function NormalizeInput(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeInput(value) : value));
}

/** class-transformer: store 11 bare digits; invalid input is kept as typed so IsCnMobile can report it. */
export function NormalizeMobile(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (normalizeMobile(value) ?? value) : value));
}

/**
 * The rule as a decorator, for a field that wants it stated. Every string field of a DTO is held to it anyway by
 * the platform's validation (service-kit's `unsafeTextProblems`), so forgetting it on a new field is no hole.
 */
export function PlainText(label: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'plainText', validator: { validate: (v: unknown) => typeof v !== 'string' || !hasUnsafeText(v), defaultMessage: () => unsafeTextMessage(label) } }, options);
}
