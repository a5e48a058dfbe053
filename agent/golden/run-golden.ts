// Golden test of one scenario: run it on `golden/<…>/input/<source-id>.ndjson` in a scratch data root with the
// same slice runtime and confinement as production (agent/confine launchSlice; `isolation` overrides the herd's), and compare every sink with `expected/<sink-id>.ndjson` (in order, or as a
// multiset for @parallel scenarios, whose output order depends on scheduling). `update` rewrites the expected
// files from the actual output instead of comparing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredState, Isolation, ScenarioSpec } from '../../contracts/desired-state.ts';
import { launchSlice, prewarmRuntimeCache } from '../confine/launch.ts';
import { runResultOf } from '../confine/run-result.ts';
import { relativeDataPath } from '../slice/data-path.ts';
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

export interface GoldenOptions {
  readonly update?: boolean;
  readonly isolation?: Isolation;
  /** Where confinement warnings go (default: stderr). */
  readonly onWarning?: (message: string) => void;
}

export async function runGolden(repoRoot: string, state: DesiredState, spec: ScenarioSpec, opts: GoldenOptions = {}): Promise<GoldenResult> {
  const golden = join(repoRoot, spec.golden!);
  const dataRoot = await mkdtemp(join(tmpdir(), 'runink-golden-'));
  try {
    const inputs = Object.fromEntries(spec.sources.map((s) => [s.id, join(golden, 'input', `${s.id}.ndjson`)]));
    await prewarmRuntimeCache();
    const herd = state.herds[spec.herd];
    if (herd === undefined) throw new Error(`scenario ${spec.id}: unknown herd ${spec.herd}`);
    const outcome = await launchSlice({
      runId: randomUUID(),
      repoRoot,
      commit: state.commit,
      project: state.project.name,
      spec,
      contracts: state.contracts,
      herd,
      dataRoot,
      inputs,
      ...(opts.isolation ? { isolation: opts.isolation } : {}),
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    }).result;
    const run = runResultOf(spec, outcome);
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
