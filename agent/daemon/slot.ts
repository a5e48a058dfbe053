// A slot: the agent's local state of one placed scenario (the slice it runs, its run and lineage cursor), and
// how slots are shown in the agent record. Ownership: only the daemon's pass and its start/exit handlers change
// a slot; a slot object is replaced, never reused, so a late callback of an old run cannot touch its successor.
import type { SliceReport, SliceState } from '../../contracts/agent-record.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import type { SliceMode, SlotView } from './converge.ts';
import type { SliceHandle } from './slice-launcher.ts';

export interface Slot {
  view: SlotView;
  readonly mode: SliceMode;
  readonly placementKey: string;
  readonly attempt: number;
  runId?: string;
  handle?: SliceHandle;
  record?: RunRecord;
  stopRequested: boolean;
  refused: boolean;
  lineageNext: number;
  lineageChain: Promise<void>;
  lastError?: { code: string; message: string };
}

/** The slices part of the agent record, sorted by scenario. Pure. */
export function sliceReports(slots: ReadonlyMap<string, Slot>, starts: ReadonlyMap<string, number>): Record<string, SliceReport> {
  const slices: Record<string, SliceReport> = {};
  for (const [scenario, slot] of [...slots].sort(([a], [b]) => a.localeCompare(b))) {
    const v = slot.view;
    const state: SliceState = v.phase === 'exited'
      ? slot.refused ? 'refused' : slot.mode === 'once' && v.outcome === 'COMPLETE' ? 'done' : v.stoppedByAgent ? 'stopping' : 'backoff'
      : v.phase;
    slices[scenario] = {
      state,
      specHash: v.specHash,
      fence: v.fence,
      failures: v.failures,
      starts: starts.get(scenario) ?? 0,
      ...(slot.runId === undefined ? {} : { runId: slot.runId }),
      ...(slot.handle === undefined || v.phase === 'exited' ? {} : { pid: slot.handle.pid }),
      ...(v.phase === 'exited' && state === 'backoff' ? { retryAt: v.retryAt } : {}),
      ...(slot.lastError === undefined ? {} : { lastError: slot.lastError }),
    };
  }
  return slices;
}
