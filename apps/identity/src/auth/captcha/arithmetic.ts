import { randomInt } from 'node:crypto';

export type CaptchaOperator = '+' | '−' | '×';

export interface ArithmeticChallenge {
  /** What the image shows, e.g. `7×3=?`; uses the real minus and multiplication signs. */
  text: string;
  answer: number;
}

const OPERATORS: readonly CaptchaOperator[] = ['+', '−', '×'];

/** Single-digit operands keep the sum doable for every visitor; subtraction is ordered so answers are never negative. */
export function createArithmeticChallenge(pick: (minInclusive: number, maxExclusive: number) => number = randomInt): ArithmeticChallenge {
  const operator = OPERATORS[pick(0, OPERATORS.length)]!;
  let a = pick(1, 10);
  let b = pick(1, 10);
  if (operator === '−' && b > a) [a, b] = [b, a];
  const answer = operator === '+' ? a + b : operator === '−' ? a - b : a * b;
  return { text: `${a}${operator}${b}=?`, answer };
}
