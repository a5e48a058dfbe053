// The desired state: what one commit of a pipeline repository declares, compiled and checked.
// These are the shapes every module agrees on (reconciler produces them, policies decide on them, Barn stores
// them, agents run them), so they live in contracts/ which every module may import. Plain data only: no
// classes, no functions, JSON-serialisable, keys sorted by the producer so equal states serialise equally.
import type { Problem } from '../common/problem.ts';

/** A place in the repository, 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

// ---- runink.yaml (kind: Project) ---------------------------------------------------------------------

export interface ProjectSpec {
  readonly name: string;
  readonly description?: string;
  readonly defaultHerd: string;
  /** Branch the reconciler tracks, e.g. "main". */
  readonly trackedBranch: string;
  /** Folder names relative to the repository root. */
  readonly folders: {
    readonly pipelines: string;
    readonly contracts: string;
    readonly herds: string;
    readonly steps: string;
    readonly golden: string;
    readonly data: string;
  };
  /** GitHub repository "owner/name", when the project posts check runs. */
  readonly github?: { readonly repository: string };
}

// ---- herds/<herd>.yaml (kind: Herd) ------------------------------------------------------------------

export type Isolation = 'required' | 'best-effort' | 'off';

/** Actions a role may be granted. `*` grants all. */
export type Permission =
  | 'pipelines.read'
  | 'pipelines.write'
  | 'pipelines.run'
  | 'contracts.write'
  | 'contracts.approve'
  | 'secrets.read'
  | 'secrets.write'
  | 'herd.admin'
  | '*';

export interface RoleSpec {
  readonly name: string;
  /** Subjects: `github:<login>` or `github-team:<org>/<team>`. */
  readonly members: readonly string[];
  readonly permissions: readonly Permission[];
}

export interface HerdSpec {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  readonly quotas: {
    /** millicores */
    readonly cpu: number;
    /** bytes */
    readonly memory: number;
    /** concurrently placed slices */
    readonly slices: number;
    /** processes per slice */
    readonly pids: number;
  };
  readonly roles: readonly RoleSpec[];
  /** Subjects whose approval a breaking contract change in this herd needs (any one of them). */
  readonly contractApprovers: readonly string[];
  readonly isolation: Isolation;
  /** Whether slices of this herd may open network sockets. */
  readonly network: boolean;
  readonly retention: {
    /** Runs kept per scenario. */
    readonly runs: number;
    /** Days lineage events are kept. */
    readonly lineageDays: number;
  };
}

// ---- contracts/<name>.odcs.yaml ----------------------------------------------------------------------

/** What the desired state keeps of a contract: identity, and a hash to detect change. The full parsed ODCS
 * document is in `DesiredState.contracts[name].document`. */
export interface ContractEntry {
  /** File stem: `contracts/orders.odcs.yaml` → `orders`. Pipelines refer to contracts by this name. */
  readonly name: string;
  readonly file: string;
  readonly id: string;
  readonly version: string;
  readonly apiVersion: string;
  /** Names of the schema objects (datasets/tables) the contract describes. */
  readonly datasets: readonly string[];
  /** Herd owning the contract (from ODCS `customProperties` `runink.herd`, else the project default). */
  readonly herd: string;
  /** sha256 of the canonical JSON of the document. */
  readonly hash: string;
  /** The parsed ODCS document as plain data. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Line of the top-level `version` key, for findings about the version. */
  readonly versionLine?: number;
}

// ---- pipelines/<name>.dsl ----------------------------------------------------------------------------

export type DataFormat = 'ndjson' | 'csv' | 'json';

/** A scalar or list value of a tag argument: `key=value`, `key="text"`, `key=[a, b]`. */
export type TagValue = string | number | boolean | readonly TagValue[];

export interface SourceSpec {
  /** Node id in the scenario DAG: `id=` or the URI's file stem. */
  readonly id: string;
  readonly uri: string;
  readonly format: DataFormat;
  readonly contract?: string;
  readonly loc: SourceLocation;
}

export interface StepSpec {
  readonly id: string;
  /** Built-in name (`validate`, `mask`, `filter`, `map`, `route`, `dedupe`, `rename`, `cast`) or user step
   * module name (`steps/<name>.ts|.js`). */
  readonly name: string;
  readonly kind: 'builtin' | 'user';
  /** Repository path of the user module, e.g. `steps/NormalizeCurrency.ts`. */
  readonly module?: string;
  readonly params: Readonly<Record<string, TagValue>>;
  /** Upstream node ids (sources or steps). Defaults to the previous node in declaration order. */
  readonly after: readonly string[];
  readonly loc: SourceLocation;
}

export interface SinkSpec {
  readonly id: string;
  readonly uri: string;
  readonly format: DataFormat;
  /** CEL condition over `record`; absent = every record. */
  readonly when?: string;
  /** Receives records rejected by validation or a failing step, with the reason in `_error`. */
  readonly deadLetter: boolean;
  readonly contract?: string;
  readonly after: readonly string[];
  readonly loc: SourceLocation;
}

export type Trigger =
  | { readonly kind: 'schedule'; readonly cron: string }
  | { readonly kind: 'stream' }
  | { readonly kind: 'manual' };

/** One Scenario: one runnable pipeline (a slice when placed). */
export interface ScenarioSpec {
  /** `<pipeline>/<scenario-slug>` — stable, used by `runi run` and Barn keys. */
  readonly id: string;
  readonly pipeline: string;
  readonly slug: string;
  readonly title: string;
  /** The Given/When/Then prose, kept for documentation and lineage. */
  readonly steps_text: readonly string[];
  readonly herd: string;
  readonly contract?: string;
  readonly sources: readonly SourceSpec[];
  readonly steps: readonly StepSpec[];
  readonly sinks: readonly SinkSpec[];
  readonly requires: { readonly cpu: number; readonly memory: number };
  readonly affinity: Readonly<Record<string, string>>;
  readonly trigger: Trigger;
  /** Golden fixture folder relative to the repository root. */
  readonly golden?: string;
  readonly parallel: { readonly n: number; readonly key?: string };
  /** Whether one failing record fails the whole run (`@failFast`); default false (dead-letter it). */
  readonly failFast: boolean;
  readonly loc: SourceLocation;
  /** sha256 of the canonical JSON of everything above but `loc` and the hash itself, plus the content hashes
   * of the user step modules it runs: changes when what runs changes, not when a line moves. */
  readonly specHash: string;
}

export interface PipelineSpec {
  /** File stem of `pipelines/<name>.dsl`. */
  readonly name: string;
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly scenarios: readonly ScenarioSpec[];
}

// ---- the whole commit ----------------------------------------------------------------------------------

export interface DesiredState {
  /** Commit id the state was compiled from; a working tree snapshot has `worktree:<hash>`. */
  readonly commit: string;
  readonly project: ProjectSpec;
  readonly herds: Readonly<Record<string, HerdSpec>>;
  readonly contracts: Readonly<Record<string, ContractEntry>>;
  readonly pipelines: Readonly<Record<string, PipelineSpec>>;
  /** Content hashes of user step modules by repository path. */
  readonly stepModules: Readonly<Record<string, string>>;
  /** Quota use per herd if every scenario ran at once (policies/admit.ts), keys sorted. */
  readonly quotaUse: Readonly<Record<string, { readonly cpu: number; readonly memory: number; readonly slices: number }>>;
  /** Every finding, errors and warnings, in stable order. A state with errors is never applied. */
  readonly problems: readonly Problem[];
}
