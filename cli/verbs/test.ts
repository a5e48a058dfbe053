// runi test [--repo DIR] [PIPELINE[/SCENARIO]] [--update] [--isolation LEVEL] [--json]: golden tests of every
// scenario with @golden, each in its own confined slice (agent/confine), TEST_CONCURRENCY at a time; reports
// are printed in scenario order.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Isolation } from '../../contracts/desired-state.ts';
import { hasErrors } from '../../common/problem.ts';
import { formatRecordDiff } from '../../agent/golden/record-diff.ts';
import { runGolden, type GoldenResult } from '../../agent/golden/run-golden.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { parse, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, paint, printProblems, type Output } from '../output.ts';

export const usage = `Usage: runi test [--repo DIR] [PIPELINE[/SCENARIO]] [--update] [--isolation required|best-effort|off] [--json]

Runs every scenario that has @golden(path) on its fixtures (input/<source-id>.ndjson)
with the slice runtime, confined as in production, and compares each sink with
expected/<sink-id>.ndjson, printing a record-level diff (missing, extra, changed fields).
--update rewrites the expected files. --isolation overrides the herds' isolation levels.
Exits 1 when any scenario fails.

Example:
  runi test --repo examples-repo orders-silver`;

export async function test(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { repo: { type: 'string' }, update: { type: 'boolean' }, isolation: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const isolation = isolationArg(values.isolation, usage);
  const repo = resolve(values.repo ?? '.');
  const state = await compileRepo(worktreeReader(repo));
  if (hasErrors(state.problems)) {
    printProblems(o, state.problems);
    return EXIT.findings;
  }
  const filter = positionals[0];
  const scenarios = Object.values(state.pipelines)
    .flatMap((p) => p.scenarios)
    .filter((s) => s.golden !== undefined && (filter === undefined || s.id === filter || s.pipeline === filter));
  if (scenarios.length === 0) throw usageError(filter === undefined ? 'no scenario has @golden' : `no scenario with @golden matches \`${filter}\``, usage);
  const warned = new Set<string>();
  const onWarning = (m: string): void => {
    const key = m.replace(/ for \S+ \(run [^)]*\)/, '');
    if (!warned.has(key)) o.err(`${paint(o, 'yellow', 'WARNING')} ${key}\n`);
    warned.add(key);
  };
  const pending = scenarios.map(() => undefined as Promise<GoldenResult> | undefined);
  const start = (i: number): Promise<GoldenResult> => (pending[i] ??= runGolden(repo, state, scenarios[i]!, { update: values.update === true, onWarning, ...(isolation ? { isolation } : {}) }));
  const results: GoldenResult[] = [];
  const width = Math.max(1, Math.min(TEST_CONCURRENCY, availableParallelism()));
  for (let i = 0; i < scenarios.length; i++) {
    for (let j = i; j < Math.min(scenarios.length, i + width); j++) void start(j).catch(() => undefined); // awaited in turn below
    const r = await start(i);
    results.push(r);
    if (!values.json) report(o, r);
  }
  const failed = results.filter((r) => r.status === 'fail' || r.status === 'error').length;
  if (values.json) {
    json(o, { passed: results.filter((r) => r.status === 'pass').length, failed, results: results.map(({ run, ...rest }) => ({ ...rest, stats: run.stats })) });
  } else {
    o.out(`\n${results.length - failed} passed, ${failed} failed\n`);
  }
  return failed > 0 ? EXIT.findings : EXIT.ok;
}

/** Scenarios run at once (at most one per CPU): each is its own process (a cold start costs ~0.4 s of CPU). */
const TEST_CONCURRENCY = 4;

export function isolationArg(v: string | undefined, text: string): Isolation | undefined {
  if (v === undefined) return undefined;
  if (v === 'required' || v === 'best-effort' || v === 'off') return v;
  throw usageError(`bad --isolation \`${v}\` (required, best-effort or off)`, text);
}

function report(o: Output, r: GoldenResult): void {
  switch (r.status) {
    case 'pass':
      o.out(`${paint(o, 'green', 'ok')}     ${r.scenario}\n`);
      return;
    case 'updated':
      o.out(`${paint(o, 'yellow', 'update')} ${r.scenario}: expected files rewritten\n`);
      return;
    case 'error':
      o.out(`${paint(o, 'red', 'error')}  ${r.scenario}: ${r.error}\n`);
      return;
    case 'fail':
      o.out(`${paint(o, 'red', 'FAIL')}   ${r.scenario}\n`);
      for (const s of r.sinks.filter((x) => !x.diff.equal)) {
        o.out(`  sink ${s.sink}:\n`);
        for (const line of formatRecordDiff(s.diff)) o.out(`    ${line}\n`);
      }
      return;
  }
}
