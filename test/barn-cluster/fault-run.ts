// One linearizability-under-faults run: concurrent clients (workload.ts) against a BarnCluster while a seeded
// fault schedule (fault-schedule.ts) runs, then repair everything, let the cluster converge and read the final
// state from every node (final-state.ts). Returns everything the test checks and prints.
//
// Contract: when it resolves, every fault has been repaired (nodes up, resumed, network healed) and the
// history holds every client op plus the final reads. It throws only when the cluster does not converge
// after the repairs (a liveness failure, reported with the timeline).
import { HistoryRecorder } from '../linearizability/history-recorder.ts';
import type { Operation } from '../linearizability/history.ts';
import { TOKEN, type BarnCluster } from './cluster-harness.ts';
import { planFaults, runFaults, type FaultStep, type TimelineEntry } from './fault-schedule.ts';
import { renderTimeline } from './failure-report.ts';
import { converge, readFinal, type FinalValue } from './final-state.ts';
import { runWorkload, type WorkloadStats } from './workload.ts';

export interface FaultRunOptions {
  readonly seed: number;
  readonly clients: number;
  readonly keys: readonly string[];
  readonly durationMs: number;
  /** See WorkloadOptions.staleReads. */
  readonly staleReads?: number;
}

export interface FaultRun {
  readonly plan: FaultStep[];
  readonly timeline: TimelineEntry[];
  readonly stats: WorkloadStats;
  readonly history: Operation[];
  readonly finals: Map<string, FinalValue>;
  readonly divergent: string[];
}

export async function runWithFaults(cluster: BarnCluster, o: FaultRunOptions): Promise<FaultRun> {
  const plan = planFaults(o.seed, o.durationMs, cluster.ids.length);
  const recorder = new HistoryRecorder();
  const until = Date.now() + o.durationMs;
  const endpoints = cluster.ids.map((id) => ({ id, url: cluster.url(id) }));
  let faultsDone = false;
  // Clients run for durationMs and at least until the last fault is repaired (restarts may run late).
  const stop = (): boolean => faultsDone && Date.now() >= until;
  const faults = runFaults(cluster, plan).finally(() => {
    faultsDone = true;
  });
  const [stats, timeline] = await Promise.all([
    runWorkload({ endpoints, token: TOKEN, clients: o.clients, keys: o.keys, stop, seed: o.seed, recorder, ...(o.staleReads === undefined ? {} : { staleReads: o.staleReads }) }),
    faults,
  ]);
  // Repair anything left (runFaults repairs each fault it injects; this is belt and braces).
  cluster.network.heal();
  for (const id of cluster.ids) cluster.resume(id);
  try {
    await converge(cluster, 15_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nfaults:\n${renderTimeline(timeline)}\n${cluster.logTails()}`);
  }
  const { values, divergent } = await readFinal(cluster, o.keys, recorder);
  return { plan, timeline, stats, history: recorder.history(), finals: values, divergent };
}
