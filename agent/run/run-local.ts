// One run of a scenario outside a cluster (`runi run`): the slice runtime plus, when asked, the run's
// OpenLineage events (START, then COMPLETE / FAIL / ABORT with statistics and data-quality assertions).
import type { Clock } from '../../common/clock.ts';
import { seededRng } from '../../common/rng.ts';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { assertionsFromQuality } from '../lineage/quality-facet.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import type { AssertionResult, EventInput } from '../lineage/run-inputs.ts';
import { runIdFactory } from '../lineage/run-id.ts';
import { runLineage } from '../lineage/run-lineage.ts';
import { runScenario } from '../slice/run-scenario.ts';
import type { InputOverride, RunResult } from '../slice/types.ts';

export interface LocalRunOptions {
  readonly repoRoot: string;
  readonly dataRoot: string;
  readonly inputs?: Readonly<Record<string, InputOverride>>;
  readonly lineage?: LineageSink;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stats: RunResult['stats']) => void;
}

export async function runLocal(state: DesiredState, spec: ScenarioSpec, opts: LocalRunOptions): Promise<{ result: RunResult; runId: string }> {
  const runId = runIdFactory(opts.clock, seededRng(opts.clock.now() & 0xffffffff))();
  const lineage = opts.lineage
    ? runLineage({ scenario: spec, contracts: state.contracts, project: state.project.name, runId, code: { repoUrl: opts.repoRoot, commit: state.commit } }, opts.clock, opts.lineage)
    : undefined;
  await lineage?.start();
  const result = await runScenario(spec, {
    repoRoot: opts.repoRoot,
    dataRoot: opts.dataRoot,
    contracts: state.contracts,
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  if (lineage) {
    const input = eventInput(spec, result);
    switch (result.status) {
      case 'COMPLETE':
        await lineage.complete(input);
        break;
      case 'FAIL':
        await lineage.fail({ message: `${result.error?.code ?? 'SLICE_FAILED'}: ${result.error?.message ?? 'the run failed'}` }, input);
        break;
      case 'ABORT':
        await lineage.abort({ message: result.error?.message ?? 'the run was stopped' }, input);
        break;
    }
  }
  return { result, runId };
}

/** The slice's statistics and quality reports as the lineage builders take them (by source / sink id). */
function eventInput(spec: ScenarioSpec, result: RunResult): Omit<EventInput, 'error'> {
  const inputs = Object.fromEntries(Object.entries(result.stats.recordsIn).map(([id, records]) => [id, { records }]));
  const outputs = Object.fromEntries(Object.entries(result.stats.recordsOut).map(([id, records]) => [id, { records }]));
  const nodeIds = new Set([...spec.sources.map((s) => s.id), ...spec.sinks.map((s) => s.id)]);
  const quality: Record<string, AssertionResult[]> = {};
  for (const report of result.quality) {
    const node = nodeIds.has(report.dataset) ? report.dataset : spec.sources[0]?.id;
    if (node === undefined) continue;
    (quality[node] ??= []).push(...assertionsFromQuality(report.results));
  }
  return { stats: { inputs, outputs }, quality };
}
