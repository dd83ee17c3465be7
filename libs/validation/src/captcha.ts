import { normalizeInput } from './normalize';

/** ASCII symbols, as on the current login page (1x4=?), so any captcha font can draw them. */
export type ArithmeticOperator = '+' | '-' | 'x';

export interface ArithmeticChallenge {
  readonly left: number;
  readonly operator: ArithmeticOperator;
  readonly right: number;
  /** e.g. '1x4=?' */
  readonly question: string;
  readonly answer: number;
}

const OPERATORS: readonly ArithmeticOperator[] = ['+', '-', 'x'];
const SMALLEST_OPERAND = 1;
const LARGEST_OPERAND = 9;

/** random() in [0, 1) → an integer in [0, count); the caller's generator is injected to keep this pure. */
function pick(random: () => number, count: number): number {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() 须返回 [0, 1) 内的数，收到 ${String(r)}`);
  return Math.floor(r * count);
}

function operand(random: () => number): number {
  return SMALLEST_OPERAND + pick(random, LARGEST_OPERAND - SMALLEST_OPERAND + 1);
}

function apply(left: number, operator: ArithmeticOperator, right: number): number {
  if (operator === '+') return left + right;
  if (operator === '-') return left - right;
  return left * right;
}

/**
 * A one-digit sum, difference or product the user types the result of. Differences are ordered
 * so the answer is never negative (no minus sign to type).
 */
export function makeArithmeticChallenge(random: () => number): ArithmeticChallenge {
  const operator = OPERATORS[pick(random, OPERATORS.length)] as ArithmeticOperator;
  const a = operand(random);
  const b = operand(random);
  const [left, right] = operator === '-' && a < b ? [b, a] : [a, b];
  return { left, operator, right, question: `${left}${operator}${right}=?`, answer: apply(left, operator, right) };
}

/** Accepts full-width digits and surrounding spaces; anything but the exact non-negative integer fails. */
export function isArithmeticAnswerCorrect(challenge: Pick<ArithmeticChallenge, 'answer'>, input: string): boolean {
  const typed = normalizeInput(input);
  return /^\d{1,3}$/.test(typed) && Number(typed) === challenge.answer;
}
