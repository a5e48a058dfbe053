// runi run PIPELINE[/SCENARIO] [--repo DIR] [--data-root DIR] [--input SOURCE=PATH]… [--lineage FILE] [--isolation LEVEL] [--json]
import { join, resolve } from 'node:path';
import { systemClock } from '../../common/clock.ts';
import { RuninkError } from '../../common/error.ts';
import { hasErrors } from '../../common/problem.ts';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { fileSink } from '../../agent/lineage/file-sink.ts';
import { runLocal } from '../../agent/run/run-local.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { parse, usageError } from '../args.ts';
import { isolationArg } from './test.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, paint, printProblems, type Output } from '../output.ts';

export const usage = `Usage: runi run PIPELINE[/SCENARIO] [--repo DIR] [--data-root DIR] [--input SOURCE=PATH]... [--lineage FILE]
                [--isolation required|best-effort|off] [--json]

Runs one scenario once with the slice runtime, confined as in production (--isolation
overrides the herd's level). Paths in the pipeline resolve inside the herd's
data root: <repo>/data/<herd> unless --data-root says otherwise. --input replaces a source with a
file; --lineage also writes the run's OpenLineage events as NDJSON. Exits 1 when the run fails.

Example:
  runi run orders-bronze/ingest-raw-orders --repo examples-repo --lineage /tmp/lineage.ndjson`;

export async function run(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { repo: { type: 'string' }, 'data-root': { type: 'string' }, input: { type: 'string', multiple: true }, lineage: { type: 'string' }, isolation: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const target = positionals[0];
  if (target === undefined) throw usageError('which scenario? give PIPELINE or PIPELINE/SCENARIO', usage);
  const isolation = isolationArg(values.isolation, usage);
  const repo = resolve(values.repo ?? '.');
  const state = await compileRepo(worktreeReader(repo));
  if (hasErrors(state.problems)) {
    printProblems(o, state.problems);
    return EXIT.findings;
  }
  const spec = pick(Object.values(state.pipelines).flatMap((p) => p.scenarios), target);
  const inputs = Object.fromEntries((values.input ?? []).map((pair) => {
    const i = pair.indexOf('=');
    if (i <= 0) throw usageError(`bad --input \`${pair}\` (expected SOURCE=PATH)`, usage);
    const id = pair.slice(0, i);
    if (!spec.sources.some((s) => s.id === id)) throw usageError(`scenario ${spec.id} has no source \`${id}\` (sources: ${spec.sources.map((s) => s.id).join(', ')})`, usage);
    return [id, resolve(pair.slice(i + 1))];
  }));
  const lineage = values.lineage === undefined ? undefined : await fileSink(resolve(values.lineage));
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  let last = 0;
  try {
    const { result, runId } = await runLocal(state, spec, {
      repoRoot: repo,
      dataRoot: resolve(values['data-root'] ?? join(repo, state.project.folders.data, spec.herd)),
      inputs,
      clock: systemClock,
      signal: controller.signal,
      onWarning: (m) => o.err(`${paint(o, 'yellow', 'WARNING')} ${m}\n`),
      ...(isolation ? { isolation } : {}),
      ...(lineage ? { lineage } : {}),
      ...(o.tty && !values.json
        ? {
            onProgress: (s) => {
              const now = Date.now();
              if (now - last < 200) return;
              last = now;
              const inn = Object.values(s.recordsIn).reduce((a, b) => a + b, 0);
              const out = Object.values(s.recordsOut).reduce((a, b) => a + b, 0);
              o.err(`\r${spec.id}: ${inn} in, ${out} out, ${s.deadLettered} dead-lettered, ${Math.round(inn / Math.max(s.durationMs / 1000, 0.001))} records/s   `);
            },
          }
        : {}),
    });
    if (o.tty && !values.json) o.err('\r\u001b[K');
    if (values.json) json(o, { scenario: spec.id, runId, ...result });
    else {
      const s = result.stats;
      const mark = result.status === 'COMPLETE' ? paint(o, 'green', 'COMPLETE') : paint(o, 'red', result.status);
      o.out(`${mark} ${spec.id} (run ${runId}) in ${Math.round(s.durationMs)} ms\n`);
      for (const [id, n] of Object.entries(s.recordsIn)) o.out(`  in   ${id}: ${n} records\n`);
      for (const [id, n] of Object.entries(s.recordsOut)) o.out(`  out  ${id}: ${n} records\n`);
      if (s.deadLettered > 0) o.out(`  dead-lettered: ${s.deadLettered}\n`);
      if (result.error) o.out(`  ${result.error.code}: ${result.error.message}\n`);
      if (values.lineage) o.out(`  lineage: ${values.lineage}\n`);
    }
    return result.status === 'COMPLETE' ? EXIT.ok : EXIT.findings;
  } finally {
    process.off('SIGINT', stop);
    await lineage?.close();
  }
}

function pick(scenarios: readonly ScenarioSpec[], target: string): ScenarioSpec {
  const exact = scenarios.find((s) => s.id === target);
  if (exact) return exact;
  const ofPipeline = scenarios.filter((s) => s.pipeline === target);
  if (ofPipeline.length === 1) return ofPipeline[0]!;
  if (ofPipeline.length > 1) throw new RuninkError('CLI_USAGE', `pipeline ${target} has several scenarios: ${ofPipeline.map((s) => s.id).join(', ')}`);
  throw new RuninkError('CLI_USAGE', `no scenario \`${target}\` (scenarios: ${scenarios.map((s) => s.id).join(', ')})`);
}
