// ODCS quality comparison operators (mustBe, mustBeBetween, ...) applied to a measured number.
import { asNumber, type Obj } from '../diff/contract-view.ts';

export type Operator =
  | { readonly kind: 'mustBe' | 'mustNotBe' | 'mustBeGreaterThan' | 'mustBeGreaterOrEqualTo' | 'mustBeLessThan' | 'mustBeLessOrEqualTo'; readonly value: number }
  | { readonly kind: 'mustBeBetween' | 'mustNotBeBetween'; readonly low: number; readonly high: number };

const SINGLE = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo'] as const;
const RANGE = ['mustBeBetween', 'mustNotBeBetween'] as const;
export const OPERATOR_NAMES: readonly string[] = [...SINGLE, ...RANGE];

/** The rule's one operator, or why it has none usable. */
export function readOperator(rule: Obj): Operator | { error: string } {
  const present = OPERATOR_NAMES.filter((k) => rule[k] !== undefined);
  if (present.length === 0) return { error: `has no operator (one of ${OPERATOR_NAMES.join(', ')})` };
  if (present.length > 1) return { error: `has several operators (${present.join(', ')}); keep one` };
  const kind = present[0]!;
  const raw = rule[kind];
  if ((RANGE as readonly string[]).includes(kind)) {
    const pair = Array.isArray(raw) ? raw.map(asNumber) : [];
    if (pair.length !== 2 || pair[0] === undefined || pair[1] === undefined) return { error: `\`${kind}\` must be two numbers, smallest first` };
    return { kind: kind as (typeof RANGE)[number], low: Math.min(pair[0], pair[1]), high: Math.max(pair[0], pair[1]) };
  }
  const value = asNumber(raw) ?? (typeof raw === 'string' && raw.trim() !== '' ? asNumber(Number(raw)) : undefined);
  if (value === undefined) return { error: `\`${kind}\` must be a number, got ${JSON.stringify(raw)}` };
  return { kind: kind as (typeof SINGLE)[number], value };
}

export function holds(op: Operator, observed: number): boolean {
  switch (op.kind) {
    case 'mustBe':
      return observed === op.value;
    case 'mustNotBe':
      return observed !== op.value;
    case 'mustBeGreaterThan':
      return observed > op.value;
    case 'mustBeGreaterOrEqualTo':
      return observed >= op.value;
    case 'mustBeLessThan':
      return observed < op.value;
    case 'mustBeLessOrEqualTo':
      return observed <= op.value;
    case 'mustBeBetween':
      return observed >= op.low && observed <= op.high;
    case 'mustNotBeBetween':
      return observed < op.low || observed > op.high;
  }
}

/** `mustBeLessOrEqualTo 5%`, `mustBeBetween [1, 10]` — the `expected` text of a result. */
export function describeOperator(op: Operator, percent: boolean): string {
  const unit = percent ? '%' : '';
  switch (op.kind) {
    case 'mustBeBetween':
    case 'mustNotBeBetween':
      return `${op.kind} [${op.low}${unit}, ${op.high}${unit}]`;
    default:
      return `${op.kind} ${op.value}${unit}`;
  }
}
