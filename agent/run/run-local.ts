// One run of a scenario outside a cluster (`runi run`): the confined slice launcher (agent/confine, the same
// runtime and confinement as production) plus, when asked, the run's OpenLineage events (START, then
// COMPLETE / FAIL / ABORT with statistics and data-quality assertions).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../common/clock.ts';
import { seededRng } from '../../common/rng.ts';
import type { DesiredState, Isolation, ScenarioSpec } from '../../contracts/desired-state.ts';
import { launchSlice, prewarmRuntimeCache } from '../confine/launch.ts';
import { runResultOf } from '../confine/run-result.ts';
import type { SliceOutcome } from '../confine/types.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import { runIdFactory } from '../lineage/run-id.ts';
import type { InputOverride, RunResult } from '../slice/types.ts';

export interface LocalRunOptions {
  readonly repoRoot: string;
  readonly dataRoot: string;
  readonly inputs?: Readonly<Record<string, InputOverride>>;
  readonly lineage?: LineageSink;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stats: RunResult['stats']) => void;
  /** Overrides the herd's isolation level. */
  readonly isolation?: Isolation;
  /** The run's id (e.g. one the caller already announced); default: a new UUIDv7. */
  readonly runId?: string;
  /** Where confinement warnings go (default: stderr). */
  readonly onWarning?: (message: string) => void;
}

export async function runLocal(state: DesiredState, spec: ScenarioSpec, opts: LocalRunOptions): Promise<{ result: RunResult; runId: string; outcome: SliceOutcome }> {
  const runId = opts.runId ?? runIdFactory(opts.clock, seededRng((opts.clock.now() ^ parseInt(randomUUID().slice(0, 8), 16)) & 0xffffffff))();
  const herd = state.herds[spec.herd];
  if (herd === undefined) throw new Error(`scenario ${spec.id}: unknown herd ${spec.herd}`);
  const lineage = opts.lineage;
  await prewarmRuntimeCache();
  const handle = launchSlice({
    runId,
    repoRoot: opts.repoRoot,
    commit: state.commit,
    project: state.project.name,
    spec,
    contracts: state.contracts,
    herd,
    dataRoot: opts.dataRoot,
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
    ...(opts.isolation ? { isolation: opts.isolation } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress, progressIntervalMs: 200 } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    ...(lineage ? { onEvent: (ev) => lineage.emit(ev) } : {}),
  });
  const stop = (): void => void handle.stop();
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    const outcome = await handle.result;
    return { result: runResultOf(spec, outcome), runId, outcome };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
}
