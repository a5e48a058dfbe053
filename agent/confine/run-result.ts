// The RunResult of a launched slice, also when the child could not report one (OOM, signal, isolation
// unavailable): then FAIL/ABORT with the launcher's reason as the error code and the last known statistics.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { emptyStats } from '../slice/run-stats.ts';
import type { RunResult } from '../slice/types.ts';
import type { SliceOutcome } from './types.ts';

export function runResultOf(spec: ScenarioSpec, o: SliceOutcome): RunResult {
  if (o.result !== undefined) return o.result;
  return { status: o.status, error: { code: o.reason ?? 'SLICE_FAILED', message: o.message ?? 'the slice ended without a result' }, stats: o.stats ?? emptyStats(spec), quality: [] };
}
