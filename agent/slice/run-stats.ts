// Construction of the per-run counters and of error data, shared by the in-process and the @parallel loop.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { isRuninkError } from '../../common/error.ts';
import { SliceError, messageOf } from './errors.ts';
import type { RunStats } from './types.ts';

export function emptyStats(spec: ScenarioSpec): RunStats {
  return {
    recordsIn: Object.fromEntries(spec.sources.map((s) => [s.id, 0])),
    recordsOut: Object.fromEntries(spec.sinks.map((s) => [s.id, 0])),
    deadLettered: 0,
    droppedRejects: 0,
    durationMs: 0,
    bytesIn: 0,
    inFlightChunks: 0,
    maxInFlightChunks: 0,
  };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new SliceError('SLICE_ABORTED', 'run stopped');
}

export function toErrorData(e: unknown): { code: string; message: string } {
  if (isRuninkError(e)) return { code: e.code, message: e.message };
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return { code: 'SLICE_IO', message: messageOf(e) };
  return { code: 'SLICE_INTERNAL', message: messageOf(e) };
}
