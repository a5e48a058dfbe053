// Prometheus metrics of one Barn node (prom-client, a registry per node so several nodes can live in one
// process in tests). Counters and histograms are updated on the hot path; the gauges (term, indexes, role,
// revision) are read from the node when scraped (prom-client's `collect`), so a Ready pays nothing for them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges report, read at scrape time. */
export interface NodeGauges {
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly isLeader: boolean;
  readonly revision: number;
}

const NOTHING_YET: NodeGauges = { term: 0, commitIndex: 0, appliedIndex: 0, isLeader: false, revision: 0 };

export class NodeMetrics {
  readonly registry = new Registry();
  private source: () => NodeGauges = () => NOTHING_YET;
  readonly term = this.gauge('barn_raft_term', 'Current Raft term', (g) => g.term);
  readonly commitIndex = this.gauge('barn_raft_commit_index', 'Highest committed log index', (g) => g.commitIndex);
  readonly appliedIndex = this.gauge('barn_raft_applied_index', 'Highest applied log index', (g) => g.appliedIndex);
  readonly isLeader = this.gauge('barn_raft_is_leader', '1 if this node is the leader', (g) => (g.isLeader ? 1 : 0));
  readonly revision = this.gauge('barn_kv_revision', 'Current key/value store revision', (g) => g.revision);
  readonly proposals = new Counter({ name: 'barn_proposals_total', help: 'Proposals made on this node', labelNames: ['result'] as const, registers: [this.registry] });
  /** Children bound once: resolving labels on every proposal shows in the per-write CPU. */
  readonly proposalsProposed = this.proposals.labels('proposed');
  readonly proposalsDropped = this.proposals.labels('dropped');
  readonly proposalsTimedOut = this.proposals.labels('timeout');
  readonly writes = new Counter({ name: 'barn_ready_writes_total', help: 'Readys written (durable=yes: entries, snapshot, term or vote, the write-ahead log flushed; durable=no: commit index and applied effects only, not flushed)', labelNames: ['durable'] as const, registers: [this.registry] });
  readonly durableWrites = this.writes.labels('yes');
  readonly deferredWrites = this.writes.labels('no');
  readonly persistSeconds = new Histogram({ name: 'barn_persist_seconds', help: 'Write-ahead log flush (fdatasync) of one durable Ready', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5], registers: [this.registry] });
  readonly applySeconds = new Histogram({ name: 'barn_apply_seconds', help: 'Applying committed entries of one Ready', buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1], registers: [this.registry] });
  readonly entriesPerReady = new Histogram({ name: 'barn_entries_per_persist', help: 'Entries made durable by one fsync (group commit)', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });

  /** Where the gauges are read from when scraped. Until called they report zeros. */
  readFrom(source: () => NodeGauges): void {
    this.source = source;
  }

  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private gauge(name: string, help: string, pick: (g: NodeGauges) => number): Gauge {
    const read = (): NodeGauges => this.source();
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(pick(read()));
      },
    });
  }
}
