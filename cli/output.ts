// Terminal output shared by the verbs: colour only on a TTY and without NO_COLOR, problems one per line.
import { formatProblem, type Problem } from '../common/problem.ts';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  readonly tty: boolean;
}

export function processOutput(): Output {
  const tty = process.stdout.isTTY === true;
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    tty,
    color: tty && process.env['NO_COLOR'] === undefined,
  };
}

const CODES = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;

export function paint(o: Output, style: keyof typeof CODES, text: string): string {
  return o.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

export function printProblems(o: Output, problems: readonly Problem[]): void {
  for (const p of problems) {
    const line = formatProblem(p);
    o.out(`${paint(o, p.severity === 'error' ? 'red' : 'yellow', line)}\n`);
  }
}

export function json(o: Output, value: unknown): void {
  o.out(`${JSON.stringify(value, null, 2)}\n`);
}
