// What the scheduler writes for an agent, and what the agent writes back about runs. Plain JSON data shared by
// the scheduler (reconciler/), Barn (stored values) and agents (agent/daemon/).
//
//   /runink/pipelines/<pipeline>              StoredPipeline   written by the reconciler for each applied commit
//   /runink/placements/<agent>/<scenario>     PlacementValue   written by the scheduler (leader only)
//   /runink/runs/<scenario>/<run>             RunRecord        created by the agent in a fenced txn, then updated
//
// Fencing: the fencing revision of a placement is the **modRevision of its placement key** as the agent read it
// (Barn bumps it on every write, and a deleted key compares as modRevision 0). Before starting a run the agent
// creates the run record in one txn that compares `modRevision(placementKey) = fence`; if the scheduler moved,
// changed or deleted the placement after the agent read it, the compare fails and the run is never started.
// The scheduler therefore needs no fencing field of its own: any write to the placement key is a new fence.
import type { ContractEntry, HerdSpec, PipelineSpec, ScenarioSpec, Trigger } from './desired-state.ts';

export const RUNINK_API_VERSION = 'runink.dev/v1';

/** One scenario placed on one agent: everything the agent needs to find what to run. */
export interface PlacementValue {
  readonly apiVersion: typeof RUNINK_API_VERSION;
  readonly kind: 'Placement';
  /** Agent (node id) the slice is placed on; equals the `<agent>` segment of the key. */
  readonly agent: string;
  /** Compiled scenario id `<pipeline>/<slug>`; equals the `<scenario>` part of the key. */
  readonly scenario: string;
  readonly pipeline: string;
  readonly herd: string;
  /** Commit the scenario was compiled from; the agent runs that commit's step code. */
  readonly commit: string;
  /** ScenarioSpec.specHash: the agent restarts the slice when it changes. */
  readonly specHash: string;
  /** The scenario's trigger: a `stream` slice runs until removed; any other runs once per spec hash. */
  readonly trigger: Trigger['kind'];
  /** Resources reserved by the scheduler (millicores, bytes), from `@requires`. */
  readonly requires?: { readonly cpu: number; readonly memory: number };
}

/** The compiled pipeline as stored at /runink/pipelines/<pipeline>: the spec plus the contracts it uses. */
export interface StoredPipeline {
  readonly apiVersion: typeof RUNINK_API_VERSION;
  readonly kind: 'CompiledPipeline';
  readonly commit: string;
  /** Project name (runink.yaml `metadata.name`), for lineage namespaces. */
  readonly project: string;
  /** Where the repository lives (a Git URL, or a folder for `runi up`): lineage `sourceCodeLocation`. */
  readonly repoUrl: string;
  readonly pipeline: PipelineSpec;
  /** Every contract a scenario of the pipeline names (sources, sinks, validate/mask steps), by name. */
  readonly contracts: Readonly<Record<string, ContractEntry>>;
  /** The herds its scenarios run in, by name (isolation, network and pids limits of the confined launcher). */
  readonly herds: Readonly<Record<string, HerdSpec>>;
}

export type RunStatus = 'RUNNING' | 'COMPLETE' | 'FAIL' | 'ABORT';

/** One run of a scenario on an agent, at /runink/runs/<scenario>/<runId>. */
export interface RunRecord {
  readonly apiVersion: typeof RUNINK_API_VERSION;
  readonly kind: 'Run';
  /** OpenLineage run id (UUID v7); also the key's last segment and the /runink/lineage/<run>/ prefix. */
  readonly runId: string;
  readonly scenario: string;
  readonly agent: string;
  readonly commit: string;
  readonly specHash: string;
  /** The placement modRevision the run was started under (see Fencing above). */
  readonly fence: number;
  /** Consecutive attempt of this placement on this agent (1 = first start, 2 = first retry, …). */
  readonly attempt: number;
  readonly status: RunStatus;
  /** ms since the epoch, agent clock. */
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** Slice statistics at the end (records in/out per node, dead letters, duration). */
  readonly stats?: Readonly<Record<string, unknown>>;
  readonly error?: { readonly code: string; readonly message: string };
  /** Number of OpenLineage events stored under /runink/lineage/<runId>/. */
  readonly lineageEvents?: number;
}

/** The scenario of a stored pipeline a placement names, if its spec hash matches. */
export function placedScenario(stored: StoredPipeline, placement: PlacementValue): ScenarioSpec | undefined {
  const s = stored.pipeline.scenarios.find((x) => x.id === placement.scenario);
  return s !== undefined && s.specHash === placement.specHash ? s : undefined;
}
