// How an agent daemon is configured (`runi agent start` flags map onto it one to one; cli/verbs/agent.ts).
import type { BackoffPolicy } from './converge.ts';
import type { SliceLauncher } from './slice-launcher.ts';

export interface AgentDaemonOptions {
  readonly node: string;
  readonly endpoints: readonly string[];
  readonly token: string;
  readonly dataRoot: string;
  readonly labels: Readonly<Record<string, string>>;
  /** millicores, bytes */
  readonly capacity: { readonly cpu: number; readonly memory: number };
  /** Working tree used for any commit without a checkout under the data root. */
  readonly repoRoot?: string;
  readonly metricsListen?: string;
  readonly leaseTtlMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly stopGraceMs?: number;
  /** RUNNING lineage events of @stream slices every this many ms (default 30 s). */
  readonly runningEveryMs?: number;
  /** OpenLineage endpoint (Marquez) to post every stored event to, through the spooling emitter. */
  readonly openLineageUrl?: string;
  readonly launcher?: SliceLauncher;
  /** Called after the spec was read and just before the fenced txn (a seam for tests that race the scheduler). */
  readonly beforeFence?: (scenario: string, fence: number) => Promise<void>;
  readonly log?: (line: string) => void;
}
