import fc from 'fast-check';
import { isArithmeticAnswerCorrect, makeArithmeticChallenge } from './captcha';

function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] as number;
}

describe('makeArithmeticChallenge', () => {
  it('builds the guide example 1x4=?', () => {
    // operator index 2 of 3 → x; operands 1 + floor(r * 9)
    expect(makeArithmeticChallenge(sequence(0.9, 0, 0.35))).toEqual({
      left: 1,
      operator: 'x',
      right: 4,
      question: '1x4=?',
      answer: 4,
    });
  });

  it('builds a sum', () => {
    expect(makeArithmeticChallenge(sequence(0, 0.99, 0.5))).toMatchObject({ question: '9+5=?', answer: 14 });
  });

  it('orders a difference so it is not negative', () => {
    expect(makeArithmeticChallenge(sequence(0.5, 0.1, 0.9))).toMatchObject({ question: '9-1=?', answer: 8 });
  });

  it('rejects a generator outside [0, 1)', () => {
    expect(() => makeArithmeticChallenge(() => 1)).toThrow(RangeError);
    expect(() => makeArithmeticChallenge(() => -0.1)).toThrow(RangeError);
    expect(() => makeArithmeticChallenge(() => Number.NaN)).toThrow(RangeError);
  });

  it('always yields small operands, a non-negative answer and a question that evaluates to it', () => {
    const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 3, maxLength: 3 }), (values) => {
        const challenge = makeArithmeticChallenge(sequence(...values));
        const match = /^([1-9])([+\-x])([1-9])=\?$/.exec(challenge.question);
        expect(match).not.toBeNull();
        const [, left, operator, right] = match as RegExpExecArray;
        const expected =
          operator === '+' ? Number(left) + Number(right) : operator === '-' ? Number(left) - Number(right) : Number(left) * Number(right);
        expect(challenge.answer).toBe(expected);
        expect(challenge.answer).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('uses all three operators', () => {
    const operators = new Set([0, 0.4, 0.8].map((r) => makeArithmeticChallenge(sequence(r, 0.5, 0.5)).operator));
    expect(operators).toEqual(new Set(['+', '-', 'x']));
  });
});

describe('isArithmeticAnswerCorrect', () => {
  const challenge = { answer: 4 };

  it.each(['4', ' 4 ', '４', '04'])('accepts %s', (input) => {
    expect(isArithmeticAnswerCorrect(challenge, input)).toBe(true);
  });

  it.each(['5', '', '4.0', '+4', '1x4', 'four', '四'])('rejects %s', (input) => {
    expect(isArithmeticAnswerCorrect(challenge, input)).toBe(false);
  });
});
