// The registration of an agent at /runink/agents/<agent>: what it offers (capacity, labels), its lease, and the
// state of its slices. Written only by the agent holding the lease; read by the scheduler.
//
// Lease (Barn has no native leases): the agent that holds the lease rewrites this record every
// `lease.ttlMs / 3` through a txn comparing the record's modRevision with its own last write, so exactly one
// agent process (one `lease.session`) can hold a node id at a time; a second process with the same node id
// sees a compare failure and stops. The lease is expired when the record's modRevision has not changed for
// `lease.ttlMs` as observed by the judge (the scheduler on the Barn leader, with its own monotonic clock: no
// clock comparison across machines). `renewedAt` is the agent's wall clock, for humans. A cleanly stopped agent
// writes `lease.released: true`.
export interface AgentLease {
  /** Random id of the agent process that holds the lease. */
  readonly session: string;
  readonly ttlMs: number;
  /** ms since the epoch, agent clock, at the last renewal. */
  readonly renewedAt: number;
  /** Renewals since the session took the lease. */
  readonly renewals: number;
  readonly released?: boolean;
  readonly pid: number;
  readonly hostname: string;
}

export type SliceState = 'starting' | 'running' | 'stopping' | 'backoff' | 'done' | 'refused';

export interface SliceReport {
  readonly state: SliceState;
  readonly specHash: string;
  readonly fence: number;
  readonly runId?: string;
  readonly pid?: number;
  /** Consecutive failures (reset by a success). */
  readonly failures: number;
  /** Starts of this placement by this agent session. */
  readonly starts: number;
  /** ms since the epoch of the next retry, in `backoff`. */
  readonly retryAt?: number;
  readonly lastError?: { readonly code: string; readonly message: string };
}

export interface AgentRecord {
  readonly apiVersion: 'runink.dev/v1';
  readonly kind: 'Agent';
  readonly node: string;
  readonly labels: Readonly<Record<string, string>>;
  /** What the scheduler may place here: millicores and bytes. */
  readonly capacity: { readonly cpu: number; readonly memory: number };
  readonly lease: AgentLease;
  /** `http://host:port` serving /metrics and /healthz, when the agent listens. */
  readonly metricsUrl?: string;
  /** By scenario id. */
  readonly slices: Readonly<Record<string, SliceReport>>;
}
