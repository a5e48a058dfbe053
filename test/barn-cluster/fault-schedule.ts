// A seeded fault schedule for a BarnCluster: kill -9 + restart, partition + heal, SIGSTOP + SIGCONT, one fault
// at a time, so a majority of 3 can always elect a leader and serve; faults on the leader (half of them aim
// at whoever leads) force elections with writes and reads in flight.
//
// Contracts:
// - `planFaults(seed, windowMs, nodes)` is pure: the same seed gives the same plan. Every fault starts and is
//   planned to be repaired inside [0, windowMs] (a restart is budgeted 2.5 s). The first three faults are one
//   of each kind in a seeded order, so a window of 17 s or more always has all three; more random faults
//   follow while they fit.
// - Steps run one after another: each waits `gapMs` after the previous repair finished, so a slow restart
//   shifts later steps instead of overlapping or dropping them.
// - A step's target is 'leader' (whoever leads when the step starts) or a node picked by index, so the plan is
//   fixed by the seed while which node is hit may depend on the run.
// - `runFaults` executes every step of a plan against a cluster, repairing each fault before the next, and
//   returns a timeline of what it did, with times on the history's clock.
import { seededRng } from '../../common/rng.ts';
import type { BarnCluster } from './cluster-harness.ts';
import type { PartitionMode } from './fault-proxy.ts';
import { sleep } from './node-http.ts';

export type FaultKind = 'kill' | 'partition' | 'pause';

export interface FaultStep {
  /** Wait before injecting, in ms after the previous step's repair (or the schedule's start). */
  readonly gapMs: number;
  readonly kind: FaultKind;
  readonly target: 'leader' | number;
  /** How long the fault lasts before its repair (restart / heal / resume). */
  readonly durationMs: number;
  readonly mode?: PartitionMode;
}

export function planFaults(seed: number, windowMs: number, nodes: number): FaultStep[] {
  const rng = seededRng(seed);
  const kinds: FaultKind[] = ['kill', 'partition', 'pause'];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const steps: FaultStep[] = [];
  let at = 0;
  let gapMs = 1000 + rng.int(1000);
  // Bounded: at most 20 steps, and each adds at least 1.5 s to `at`, which must stay within windowMs.
  for (let i = 0; i < 20; i++) {
    const kind = i < kinds.length ? kinds[i]! : (['kill', 'partition', 'pause'] as const)[rng.int(3)]!;
    const durationMs = 1000 + rng.int(2000);
    const target = rng.next() < 0.5 ? 'leader' : rng.int(nodes);
    const mode: PartitionMode = rng.next() < 0.5 ? 'blackhole' : 'reset';
    // a restart takes ~2 s on top of the downtime
    const repairMs = kind === 'kill' ? durationMs + 2500 : durationMs;
    if (at + gapMs + repairMs > windowMs) break;
    steps.push({ gapMs, kind, target, durationMs, ...(kind === 'partition' ? { mode } : {}) });
    at += gapMs + repairMs;
    gapMs = 500 + rng.int(1000);
  }
  return steps;
}

export function describeStep(s: FaultStep): string {
  const target = s.target === 'leader' ? 'the leader' : `node #${s.target}`;
  return `after ${s.gapMs}ms: ${s.kind}${s.mode ? ` (${s.mode})` : ''} ${target} for ${s.durationMs}ms`;
}

export interface TimelineEntry {
  /** performance.now() when the action was taken (the history's clock). */
  readonly time: number;
  readonly what: string;
}

export async function runFaults(cluster: BarnCluster, plan: readonly FaultStep[]): Promise<TimelineEntry[]> {
  const timeline: TimelineEntry[] = [];
  const note = (what: string): void => {
    timeline.push({ time: performance.now(), what });
  };
  for (const step of plan) {
    await sleep(step.gapMs);
    const id = step.target === 'leader' ? ((await cluster.leader()) ?? cluster.ids[0]!) : cluster.ids[step.target % cluster.ids.length]!;
    switch (step.kind) {
      case 'kill':
        note(`kill -9 ${id}`);
        await cluster.kill(id);
        await sleep(step.durationMs);
        note(`restart ${id}`);
        await cluster.restart(id);
        note(`${id} healthy`);
        break;
      case 'partition':
        note(`partition ${id} (${step.mode ?? 'blackhole'})`);
        cluster.network.partition(id, step.mode);
        await sleep(step.durationMs);
        cluster.network.heal();
        note('heal');
        break;
      case 'pause':
        note(`SIGSTOP ${id}`);
        cluster.pause(id);
        await sleep(step.durationMs);
        cluster.resume(id);
        note(`SIGCONT ${id}`);
        break;
    }
  }
  return timeline;
}
