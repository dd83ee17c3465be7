import { describe, expect, it } from 'vitest';
import { rule, requiredCheck } from './rules';

describe('rule()', () => {
  it('marks required fields for the asterisk and validates with the Chinese check, never async-validator’s English default', () => {
    const r = rule([requiredCheck('邮编')]);
    expect(r.required).toBe(true);
    let message = '';
    r.validator?.(r, '', (e?: string | Error) => (message = e instanceof Error ? e.message : (e ?? '')), {}, {});
    expect(message).toBe('邮编不能为空');
  });

  it('an optional field passes when empty and is not marked', () => {
    const r = rule([requiredCheck('传真')], { optional: true });
    expect(r.required).toBe(false);
    let called = false;
    r.validator?.(r, '  ', (e?: string | Error) => {
      called = true;
      expect(e).toBeUndefined();
    }, {}, {});
    expect(called).toBe(true);
  });
});
