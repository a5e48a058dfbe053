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
// rewrites the expected output in place instead of comparing. Parsing and rewriting are common/datadriven.ts
// (shared with the Raft interaction tests); this file adds the I/O and assertions.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataFile, rewriteDataFile } from '../../common/datadriven.ts';

export interface Case {
  /** `authorize.txt:12` — where the command line is. */
  readonly at: string;
  readonly command: string;
  readonly args: Readonly<Record<string, string>>;
  readonly input: string;
  readonly expected: string;
}

/** The cases of a file, parsed by the shared reader (common/datadriven.ts), with `key=value` arguments. */
export function parseCases(name: string, text: string): Case[] {
  return parseDataFile(text).cases.map((c) => ({
    at: `${name}:${c.line}`,
    command: c.command,
    args: Object.fromEntries(c.args.map((a) => [a.key, a.values.join(',')])),
    input: c.input.join('\n'),
    expected: c.expected,
  }));
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
    writeFileSync(path, rewriteDataFile(parseDataFile(text), actual));
    return;
  }
  const mismatches = cases.flatMap((c, k) => (c.expected === actual[k] ? [] : [{ at: c.at, expected: c.expected, actual: actual[k] }]));
  assert.deepEqual(mismatches, [], 'outputs differ from the testdata (RUNINK_REWRITE=1 rewrites them after review)');
}
