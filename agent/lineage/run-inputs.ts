// What a slice run reports to the lineage builders: where the code came from, the parent run, record and byte
// counts per dataset, data-quality results of validate steps, and the error of a failed run. Plain data.
import type { ContractEntry, ScenarioSpec } from '../../contracts/desired-state.ts';

/** Where the scenario's code lives: the repository, the pipeline file and the exact commit. */
export interface CodeLocation {
  /** Repository URL as configured (`https://github.com/acme/data.git`, `git@github.com:acme/data.git`, or a
   * local folder path for `runi run` in a working tree). */
  readonly repoUrl: string;
  /** Commit id the slice runs. */
  readonly commit: string;
  /** Full URL of the pipeline file at that commit; derived from `repoUrl` when absent. */
  readonly url?: string;
  readonly branch?: string;
  readonly pullRequestNumber?: string;
}

/** The run that started this one (the scheduler's run, a backfill, `runi up`). */
export interface ParentRun {
  readonly runId: string;
  readonly namespace: string;
  readonly name: string;
  readonly root?: { readonly runId: string; readonly namespace: string; readonly name: string };
}

/** Everything that stays the same across the events of one run. */
export interface RunContext {
  readonly scenario: ScenarioSpec;
  /** The contracts the scenario uses (more is fine), by name. */
  readonly contracts: Readonly<Record<string, ContractEntry>>;
  /** Project name (runink.yaml `metadata.name`). */
  readonly project: string;
  /** UUID of the run (v7 from `newRunId`, or the scheduler's id). */
  readonly runId: string;
  readonly code: CodeLocation;
  readonly parent?: ParentRun;
  /** For scheduled runs: the time the schedule meant the run for (ms since the epoch), and optionally its end. */
  readonly nominalTime?: { readonly start: number; readonly end?: number };
  /** `producer` URL; defaults to Runink's with its version. */
  readonly producer?: string;
}

/** Counts for one source or sink, cumulative since the run started. */
export interface DatasetStats {
  readonly records: number;
  readonly bytes?: number;
  /** Files a glob or folder source read (or a sink wrote), relative to the herd's data root. A source with
   * files is reported as one input dataset per file, so lineage joins the exact files other runs wrote. */
  readonly files?: readonly { readonly path: string; readonly records?: number; readonly bytes?: number }[];
}

export interface RunStats {
  /** By source id. */
  readonly inputs?: Readonly<Record<string, DatasetStats>>;
  /** By sink id. */
  readonly outputs?: Readonly<Record<string, DatasetStats>>;
}

/** One quality check of a validate step: a contract quality rule, or a per-column check (`required`,
 * `logicalType`, `pattern`, …). Give record counts (`passed`/`failed`: success = nothing failed), or the
 * verdict itself (`success`, e.g. a `rowCount` rule), or both. */
export interface AssertionResult {
  /** Classification, e.g. `required`, `pattern`, `duplicateValues`, `rowCount`. */
  readonly assertion: string;
  readonly column?: string;
  /** The rule's id or name in the contract, when it has one. */
  readonly name?: string;
  readonly success?: boolean;
  readonly passed?: number;
  readonly failed?: number;
  readonly severity?: string;
  readonly description?: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Extra key/values for the assertion's `params` (e.g. the ODCS `dimension`). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

/** Quality results by dataset node id (source id or sink id) of the records a validate step checked. */
export type QualityResults = Readonly<Record<string, readonly AssertionResult[]>>;

export interface RunFailure {
  readonly message: string;
  readonly stack?: string;
}

/** What changes from event to event. */
export interface EventInput {
  readonly stats?: RunStats;
  readonly quality?: QualityResults;
  /** FAIL (and optionally ABORT): what went wrong. */
  readonly error?: RunFailure;
}
