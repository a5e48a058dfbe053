// A tiny datadriven test harness (in the manner of etcd-io/raft's testdata files). A file is a list of cases:
//
//   # comment lines and blank lines between cases are kept as they are
//   <command> [key=value ...]
//   <input lines, any text, may be empty>
//   ----
//   <expected output lines, no blank lines>
//   <blank line or end of file>
//
// runDataDriven() runs every case through a handler returning the actual output; with RUNINK_REWRITE=1 it
// rewrites the expected output in place instead of comparing. Test-only: reads and writes testdata files.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Case {
  /** `authorize.txt:12` — where the command line is. */
  readonly at: string;
  readonly command: string;
  readonly args: Readonly<Record<string, string>>;
  readonly input: string;
  readonly expected: string;
  /** 0-based line range of the expected output, [start, end). */
  readonly outputLines: readonly [number, number];
}

const SEPARATOR = '----';

export function parseCases(name: string, text: string): Case[] {
  const lines = text.split('\n');
  const cases: Case[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    const [command = '', ...rest] = line.trim().split(/\s+/);
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== SEPARATOR) input.push(lines[i++]!);
    if (i >= lines.length) throw new Error(`${name}:${start + 1}: case has no ${SEPARATOR} line`);
    i++;
    const outStart = i;
    while (i < lines.length && lines[i]!.trim() !== '') i++;
    cases.push({
      at: `${name}:${start + 1}`,
      command,
      args: parseArgs(rest),
      input: input.join('\n'),
      expected: lines.slice(outStart, i).join('\n'),
      outputLines: [outStart, i],
    });
  }
  return cases;
}

function parseArgs(tokens: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq < 0) args[t] = '';
    else args[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return args;
}

/** Runs every case of the file at `url`; asserts all outputs match (or rewrites them under RUNINK_REWRITE=1). */
export function runDataDriven(url: URL, handler: (c: Case) => string): void {
  const path = fileURLToPath(url);
  const text = readFileSync(path, 'utf8');
  const cases = parseCases(basename(path), text);
  assert.ok(cases.length > 0, `${path} has no cases`);
  const actual = cases.map((c) => {
    const out = handler(c).replace(/\n+$/, '');
    assert.ok(!/\n\s*\n/.test(out), `${c.at}: output must not contain blank lines`);
    return out;
  });
  if (process.env['RUNINK_REWRITE'] === '1') {
    const lines = text.split('\n');
    for (let k = cases.length - 1; k >= 0; k--) {
      const [from, to] = cases[k]!.outputLines;
      lines.splice(from, to - from, ...(actual[k] === '' ? [] : actual[k]!.split('\n')));
    }
    writeFileSync(path, lines.join('\n'));
    return;
  }
  const mismatches = cases.flatMap((c, k) => (c.expected === actual[k] ? [] : [{ at: c.at, expected: c.expected, actual: actual[k] }]));
  assert.deepEqual(mismatches, [], 'outputs differ from the testdata (RUNINK_REWRITE=1 rewrites them after review)');
}
