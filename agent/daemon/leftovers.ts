// What a previous agent process on the same data root left behind (crash, kill -9), closed at start before the
// lease is taken: every slice the launcher's sweep finds is stopped and its run reported (lineage, final
// record); every run in the local journal that no launcher could report is closed ABORT `AGENT_SLICE_LOST`
// (its slice is gone). Idempotent: a run is released from the journal only once it was reported.
import type { BarnClient } from '../../barn/client.ts';
import { domainKey } from '../../barn/state/domain-keys.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import type { runJournal } from './local-state.ts';
import { finalRun, finishRun, storeLineage } from './run-reporter.ts';
import type { SliceLauncher } from './slice-launcher.ts';

export interface LeftoverDeps {
  readonly barn: BarnClient;
  readonly launcher: SliceLauncher;
  readonly journal: ReturnType<typeof runJournal>;
  readonly openLineage?: LineageSink;
  readonly graceMs: number;
  readonly log: (line: string) => void;
}

/** Closes the leftovers; returns how many lineage events were newly stored. */
export async function closeLeftovers(d: LeftoverDeps): Promise<number> {
  let added = 0;
  for (const l of await d.launcher.sweep(d.graceMs)) {
    d.log(`swept ${l.wasRunning ? 'running' : 'finished'} slice ${l.request.scenario.id} run ${l.request.runId}: ${l.exit.status}`);
    const runId = l.request.runId;
    const stored = await d.barn.get(domainKey({ kind: 'run', scenario: l.request.scenario.id, run: runId }));
    added += await storeLineage(d.barn, runId, 0, l.lineage, d.openLineage).catch(() => 0);
    if (stored.ok) await finishRun(d.barn, finalRun(stored.value.value as RunRecord, l.exit, l.lineage.length, Date.now()));
    await d.launcher.release(runId);
    await d.journal.remove(runId);
  }
  for (const e of await d.journal.list()) {
    const stored = await d.barn.get(domainKey({ kind: 'run', scenario: e.scenario, run: e.runId }));
    const record = stored.ok ? (stored.value.value as RunRecord) : undefined;
    if (record?.status === 'RUNNING') {
      d.log(`closing run ${e.runId} of ${e.scenario}: its slice did not survive the previous agent process`);
      await finishRun(d.barn, { ...record, status: 'ABORT', finishedAt: Date.now(), error: { code: 'AGENT_SLICE_LOST', message: 'the agent restarted and the slice was gone' } });
    }
    await d.journal.remove(e.runId);
  }
  return added;
}
