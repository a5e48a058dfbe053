// Golden test of one scenario: run it on `golden/<…>/input/<source-id>.ndjson` in a scratch data root with the
// same slice runtime as production, and compare every sink with `expected/<sink-id>.ndjson` (in order, or as a
// multiset for @parallel scenarios, whose output order depends on scheduling). `update` rewrites the expected
// files from the actual output instead of comparing.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { relativeDataPath } from '../slice/data-path.ts';
import { runScenario } from '../slice/run-scenario.ts';
import type { RunResult } from '../slice/types.ts';
import { diffRecords, type Rec, type RecordDiff } from './record-diff.ts';

export interface SinkVerdict {
  readonly sink: string;
  readonly diff: RecordDiff;
}

export interface GoldenResult {
  readonly scenario: string;
  readonly status: 'pass' | 'fail' | 'updated' | 'error';
  readonly run: RunResult;
  readonly sinks: readonly SinkVerdict[];
  readonly error?: string;
}

export async function runGolden(repoRoot: string, state: DesiredState, spec: ScenarioSpec, opts: { update?: boolean } = {}): Promise<GoldenResult> {
  const golden = join(repoRoot, spec.golden!);
  const dataRoot = await mkdtemp(join(tmpdir(), 'runink-golden-'));
  try {
    const inputs = Object.fromEntries(spec.sources.map((s) => [s.id, join(golden, 'input', `${s.id}.ndjson`)]));
    const run = await runScenario(spec, { repoRoot, dataRoot, contracts: state.contracts, inputs });
    if (run.status !== 'COMPLETE') return { scenario: spec.id, status: 'error', run, sinks: [], error: `${run.error?.code}: ${run.error?.message}` };
    const sinks: SinkVerdict[] = [];
    for (const sink of spec.sinks) {
      const actualText = await readFile(join(dataRoot, relativeDataPath(sink.uri)), 'utf8').catch(() => '');
      const expectedPath = join(golden, 'expected', `${sink.id}.ndjson`);
      if (opts.update) {
        await mkdir(join(golden, 'expected'), { recursive: true });
        await writeFile(expectedPath, actualText);
        continue;
      }
      const expectedText = await readFile(expectedPath, 'utf8').catch(() => undefined);
      if (expectedText === undefined) {
        return { scenario: spec.id, status: 'error', run, sinks, error: `missing ${expectedPath} (run with --update to create it)` };
      }
      sinks.push({ sink: sink.id, diff: diffRecords(parse(expectedText), parse(actualText), { ordered: spec.parallel.n === 1 }) });
    }
    const status = opts.update ? 'updated' : sinks.every((s) => s.diff.equal) ? 'pass' : 'fail';
    return { scenario: spec.id, status, run, sinks };
  } finally {
    await rm(dataRoot, { recursive: true, force: true });
  }
}

function parse(text: string): Rec[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Rec);
}
