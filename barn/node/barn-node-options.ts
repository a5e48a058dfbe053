// How a Barn node is configured (`runi barn start` maps its flags onto this; barn/node/serve.ts).
import type { NodeId } from '../raft/types.ts';
import type { MemberInfo } from './service.ts';

/** Default timing: elections after 500–1000 ms without a leader (25 distinct timeouts, so split votes are rare),
 * heartbeats every 100 ms. */
export const DEFAULT_TIMING = { tickMs: 20, electionTicks: 25, heartbeatTicks: 5 } as const;

export interface BarnNodeOptions {
  readonly id: NodeId;
  readonly clusterId: string;
  readonly dataDir: string;
  /** Members when the cluster is first created (ignored when the data dir already has state). Empty for a
   * node joining an existing cluster: it learns the configuration from the leader. */
  readonly initialMembers: readonly MemberInfo[];
  /** Joining an existing cluster: start with no configuration (the leader sends it) — `initialMembers` are
   * then only where to reach the others. */
  readonly join?: boolean;
  readonly clusterToken: string;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly requestTimeoutMs?: number;
  /** Take a state machine snapshot and compact the log every this many applied entries. */
  readonly snapshotEvery?: number;
  /** Also snapshot once the write-ahead log segment holds this many bytes (default 64 MiB). */
  readonly snapshotWalBytes?: number;
  /** Entries kept behind a snapshot so slightly slow followers catch up without one. */
  readonly compactionMargin?: number;
  /** Keep this many revisions of history for watches; older ones are compacted. */
  readonly retainRevisions?: number;
  readonly noSync?: boolean;
}
