// The launcher's request and outcome: what the agent daemon, `runi run` and `runi test` pass in and get back.
// Plain data except the callbacks; the child receives only the JSON parts (spec, contracts, paths).
import type { ContractEntry, HerdSpec, Isolation, ScenarioSpec } from '../../contracts/desired-state.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import type { ParentRun } from '../lineage/run-inputs.ts';
import type { InputOverride, RunResult, RunStats, RunStatus } from '../slice/types.ts';

export interface SliceLaunch {
  /** UUID of the run: names the cgroup (`runink/<runId>`) and the scratch dir. */
  readonly runId: string;
  /** Checkout of the commit (bound read-only; user steps load from here). */
  readonly repoRoot: string;
  readonly commit: string;
  /** Project name for lineage job namespaces (default `runink`). */
  readonly project?: string;
  readonly spec: ScenarioSpec;
  readonly contracts: Readonly<Record<string, ContractEntry>>;
  readonly herd: HerdSpec;
  /** The herd's data root: read-only inside the slice except the sinks' folders. */
  readonly dataRoot: string;
  readonly inputs?: Readonly<Record<string, InputOverride>>;
  /** Overrides `herd.isolation`. */
  readonly isolation?: Isolation;
  /** Extra environment variables for the slice (on top of PATH, LANG, TZ, NODE_OPTIONS). */
  readonly env?: Readonly<Record<string, string>>;
  /** 'inherit' (default): the slice shares our stdin/stdout/stderr (stdin:/stdout: nodes, step logs). */
  readonly stdio?: 'inherit' | 'ignore';
  /** A file descriptor open for reading, handed to the slice as its fd 0 (what `stdin:` sources read), whatever
   * `stdio` says. The sandbox (sh, bwrap, setpriv) passes it through; the slice reads it as its own uid, so a
   * FIFO or file the slice could not open itself works. Ownership: launchSlice duplicates it into the sandbox
   * before it returns, the caller closes its copy whenever it likes. A launch with `stdin` always starts cold
   * (a warm runtime's fd 0 was fixed when it started): the warm pool sends it to launchSlice. */
  readonly stdin?: number;
  /** onProgress period in ms (default 1000; 0 = after every chunk). */
  readonly progressIntervalMs?: number;
  /** RUNNING lineage events period for @stream scenarios (default 30000). */
  readonly runningIntervalMs?: number;
  readonly parent?: ParentRun;
  readonly tokenKey?: string;
  onEvent?(ev: RunEvent): void | Promise<void>;
  onProgress?(stats: Readonly<RunStats>): void;
  onWarning?(message: string): void;
}

export type SliceReason =
  | 'OOM' // the slice's cgroup OOM-killed it
  | 'SIGNAL' // killed by a signal (not OOM, not our stop)
  | 'EXIT_CODE' // exited nonzero without reporting a result
  | 'SLICE_FAILED' // runScenario returned FAIL: `error.code` is the SLICE_ code
  | 'ISOLATION_UNAVAILABLE' // isolation `required` and not possible here: nothing ran
  | 'STOPPED' // ABORT through handle.stop()
  | 'SPAWN_FAILED' // the sandbox could not be set up or started
  | 'BAD_REQUEST' // spec/contracts not plain JSON, bad paths
  | 'LIMITS_FAILED' // the cgroup refused the scenario's limits (e.g. v1 memory below current usage): nothing ran
  | 'PROTOCOL'; // the child broke the pipe protocol

export type SandboxMode = 'bwrap' | 'unshare' | 'none';
export type Namespace = 'pid' | 'mount' | 'ipc' | 'uts' | 'net';

export interface CgroupLimits {
  /** bytes */
  readonly memoryMax: number;
  /** millicores; 0 = no CPU quota */
  readonly cpuMillis: number;
  readonly pidsMax: number;
}

export interface CgroupCounters {
  readonly oomKills: number;
  /** Times a fork/clone was refused because pids.max was reached. */
  readonly pidsMaxHits: number;
  readonly memoryFailcnt: number;
}

export interface ConfinementReport {
  readonly mode: SandboxMode;
  readonly isolation: Isolation;
  readonly namespaces: readonly Namespace[];
  readonly uid?: number;
  readonly gid?: number;
  readonly network: boolean;
  readonly cgroup?: { readonly version: 'v1' | 'v2'; readonly name: string } & CgroupLimits;
  readonly counters?: CgroupCounters;
  /** What could not be confined (best-effort), e.g. `cgroup`, `uid`, `namespaces`, `read-only view`. */
  readonly missing: readonly string[];
  /** Whether a pre-started runtime of the warm pool ran the slice. */
  readonly warm: boolean;
}

export interface SliceOutcome {
  readonly status: RunStatus;
  readonly reason?: SliceReason;
  readonly message?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: RunResult;
  readonly stats?: RunStats;
  readonly events: readonly RunEvent[];
  readonly confinement: ConfinementReport;
}

export interface SliceHandle {
  readonly runId: string;
  /** Pid of the launched process (the sandbox), undefined when nothing was started. */
  readonly pid: number | undefined;
  /** Never rejects. */
  readonly result: Promise<SliceOutcome>;
  /** Asks the slice to stop (ABORT); SIGKILLs the sandbox after `graceMs` (default 5000). */
  stop(graceMs?: number): Promise<void>;
}
