// Everything the agent writes about runs in Barn (DESIGN §3 domain keys):
//   startRun     the fenced txn: modRevision(placement) = fence AND the run key is missing → create the run record.
//                A stale fence (placement moved, changed or deleted since the agent read it) creates nothing
//                and the caller must not start the slice.
//   finishRun    the final run record (status, stats, error; built by finalRun); a plain put — the run key is
//                ours alone.
//   storeLineage event i of a run at /runink/lineage/<run>/<i>, each created once (txn: key missing), and
//                handed to the optional OpenLineage sink only when it was new, so re-reading a slice's events
//                (after an agent restart) neither duplicates them in Barn nor posts them twice.
import type { BarnClient } from '../../barn/client.ts';
import { domainKey } from '../../barn/state/domain-keys.ts';
import { RUNINK_API_VERSION, type PlacementValue, type RunRecord } from '../../contracts/placement.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { agentError, AGENT_CODES } from './errors.ts';
import type { SliceExit } from './slice-launcher.ts';

export const runKey = (r: { scenario: string; runId: string }): string => domainKey({ kind: 'run', scenario: r.scenario, run: r.runId });

export type StartAnswer = { readonly started: true; readonly revision: number } | { readonly started: false; readonly reason: typeof AGENT_CODES.FENCE_STALE };

export async function startRun(barn: BarnClient, placementKey: string, record: RunRecord): Promise<StartAnswer> {
  const key = runKey(record);
  const r = await barn.txn(
    [
      { key: placementKey, target: 'modRevision', op: '=', value: record.fence },
      { key, target: 'missing' },
    ],
    [{ type: 'put', key, value: record }],
  );
  if (!r.ok) throw agentError(AGENT_CODES.BARN_REFUSED, `creating run ${key} failed: ${r.code}: ${r.message}`, { key });
  return r.value.succeeded ? { started: true, revision: r.value.revision } : { started: false, reason: AGENT_CODES.FENCE_STALE };
}

/** The record of a run about to start under `fence` (status RUNNING). Pure. */
export function newRun(o: { runId: string; scenario: string; agent: string; placement: PlacementValue; fence: number; attempt: number; now: number }): RunRecord {
  return {
    apiVersion: RUNINK_API_VERSION,
    kind: 'Run',
    runId: o.runId,
    scenario: o.scenario,
    agent: o.agent,
    commit: o.placement.commit,
    specHash: o.placement.specHash,
    fence: o.fence,
    attempt: o.attempt,
    status: 'RUNNING',
    startedAt: o.now,
  };
}

/** The run record once its slice ended. Pure. */
export function finalRun(record: RunRecord, exit: SliceExit, lineageEvents: number, now: number): RunRecord {
  return {
    ...record,
    status: exit.status,
    finishedAt: now,
    ...(exit.stats === undefined ? {} : { stats: exit.stats }),
    ...(exit.error === undefined ? {} : { error: exit.error }),
    lineageEvents,
  };
}

export async function finishRun(barn: BarnClient, record: RunRecord): Promise<void> {
  const r = await barn.put(runKey(record), record);
  if (!r.ok) throw agentError(AGENT_CODES.BARN_REFUSED, `updating run ${runKey(record)} failed: ${r.code}: ${r.message}`);
}

/** Stores events[k] as event number from + k; returns how many of them were new. */
export async function storeLineage(barn: BarnClient, runId: string, from: number, events: readonly RunEvent[], openLineage?: LineageSink): Promise<number> {
  let added = 0;
  for (const [k, event] of events.entries()) {
    const key = domainKey({ kind: 'lineage', run: runId, seq: from + k });
    const r = await barn.txn([{ key, target: 'missing' }], [{ type: 'put', key, value: event }]);
    if (!r.ok) throw agentError(AGENT_CODES.BARN_REFUSED, `storing lineage ${key} failed: ${r.code}: ${r.message}`);
    if (!r.value.succeeded) continue;
    added++;
    await openLineage?.emit(event);
  }
  return added;
}
