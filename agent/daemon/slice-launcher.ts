// The seam between the agent loop and whatever runs slices. The daemon codes against SliceLauncher only:
// process-launcher.ts runs each slice as a plain child process (agent/slice's runScenario under tsx); an adapter
// over agent/confine's launchSlice (confined-launcher.ts, the default) plugs in the same way.
//
// Contracts every launcher keeps:
// - launch() resolves once the slice process exists (its pid is known); `exited` settles exactly once, never
//   rejects, and carries the run's outcome (FAIL with a code when the process died without one).
// - A slice writes its OpenLineage events in order; `lineage(from)` returns the events with index ≥ from that are
//   durably written so far (the daemon stores event i at /runink/lineage/<run>/<i>).
// - stop() asks the slice to end (ABORT; a @stream run commits what it processed) and kills it after graceMs.
// - sweep() finds every slice a previous agent process on the same data root left behind (crash, kill -9),
//   stops it as stop() would, waits until it is gone and reports it, so nothing runs twice after a restart.
// - release() deletes the slice's local files once the daemon has reported them.
import type { ContractEntry, HerdSpec, ScenarioSpec } from '../../contracts/desired-state.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import type { Outcome } from './converge.ts';

export interface LaunchRequest {
  readonly runId: string;
  /** Placement key and fence the run was started under (kept with the slice for the sweep's report). */
  readonly placementKey: string;
  readonly fence: number;
  readonly scenario: ScenarioSpec;
  readonly contracts: Readonly<Record<string, ContractEntry>>;
  readonly project: string;
  readonly commit: string;
  readonly repoUrl: string;
  /** The commit's files: user step modules load from here. */
  readonly repoRoot: string;
  /** The herd's data root: every file:// URI of the scenario resolves inside it. */
  readonly dataRoot: string;
  /** The scenario's herd (isolation, network, pids), when the stored pipeline carries it. */
  readonly herd?: HerdSpec;
  /** RUNNING lineage events of a @stream run, every this many ms. */
  readonly runningEveryMs: number;
}

export interface SliceExit {
  readonly status: Outcome;
  readonly error?: { readonly code: string; readonly message: string };
  readonly stats?: Readonly<Record<string, unknown>>;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface SliceHandle {
  readonly runId: string;
  readonly pid: number;
  readonly exited: Promise<SliceExit>;
  stop(graceMs: number): void;
  lineage(from: number): Promise<RunEvent[]>;
}

export interface LeftoverSlice {
  readonly request: LaunchRequest;
  /** Whether its process was still running when the sweep found it. */
  readonly wasRunning: boolean;
  readonly exit: SliceExit;
  readonly lineage: readonly RunEvent[];
}

export interface SliceLauncher {
  launch(request: LaunchRequest): Promise<SliceHandle>;
  sweep(graceMs: number): Promise<LeftoverSlice[]>;
  release(runId: string): Promise<void>;
}
