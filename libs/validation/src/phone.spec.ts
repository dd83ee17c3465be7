import fc from 'fast-check';
import { isCnLandline, isCnMobile, normalizeMobile } from './phone';

describe('normalizeMobile', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['0086-13800138000', '13800138000'],
    ['１９９１２３４５６７８', '19912345678'],
    ['  17012345678 ', '17012345678'],
  ])('accepts %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    ['1111', 'too short (the guide screenshot value)'],
    ['12800138000', 'second digit 2'],
    ['10800138000', 'second digit 0'],
    ['23800138000', 'does not start with 1'],
    ['138001380001', '12 digits'],
    ['1380013800', '10 digits'],
    ['+85 13800138000', 'foreign country code'],
    ['13800l38000', 'letter l instead of 1'],
    ['', 'empty'],
  ])('rejects %s (%s)', (input) => {
    expect(normalizeMobile(input)).toBeNull();
    expect(isCnMobile(input)).toBe(false);
  });

  it('is idempotent', () => {
    const mobile = fc
      .tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), fc.stringMatching(/^\d{9}$/))
      .map(([second, rest]) => `1${second}${rest}`);
    const decorated = fc
      .tuple(mobile, fc.constantFrom('', '+86', '0086', '+86 '), fc.constantFrom('', ' ', '-'))
      .map(([m, prefix, sep]) => `${prefix}${m.slice(0, 3)}${sep}${m.slice(3, 7)}${sep}${m.slice(7)}`);
    fc.assert(
      fc.property(decorated, (input) => {
        const once = normalizeMobile(input);
        expect(once).not.toBeNull();
        expect(normalizeMobile(once as string)).toBe(once);
      }),
    );
  });

  it('never returns anything but 11 digits', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const result = normalizeMobile(input);
        return result === null || /^1[3-9]\d{9}$/.test(result);
      }),
    );
  });
});

describe('isCnLandline', () => {
  it.each(['010-88544588', '0317-88544588', '021-1234567', '0755-12345678-123', '０３１７－８８５４４５８８'])(
    'accepts %s',
    (input) => {
      expect(isCnLandline(input)).toBe(true);
    },
  );

  it.each([
    ['1234-12345678', 'area code without leading 0 (guide screenshot value)'],
    ['010 8080775', 'space instead of hyphen (guide screenshot value)'],
    ['01088544588', 'no hyphen'],
    ['010-123456', 'six-digit number'],
    ['010-123456789', 'nine-digit number'],
    ['01234-1234567', 'five-digit area code'],
    ['010-88544588-1234567', 'seven-digit extension'],
    ['010-88544588-', 'empty extension'],
    ['', 'empty'],
  ])('rejects %s (%s)', (input) => {
    expect(isCnLandline(input)).toBe(false);
  });
});
