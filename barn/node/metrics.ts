// Prometheus metrics of one Barn node (prom-client, a registry per node so several nodes can live in one
// process in tests).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Ready } from '../raft/types.ts';

export class NodeMetrics {
  readonly registry = new Registry();
  readonly term = new Gauge({ name: 'barn_raft_term', help: 'Current Raft term', registers: [this.registry] });
  readonly commitIndex = new Gauge({ name: 'barn_raft_commit_index', help: 'Highest committed log index', registers: [this.registry] });
  readonly appliedIndex = new Gauge({ name: 'barn_raft_applied_index', help: 'Highest applied log index', registers: [this.registry] });
  readonly isLeader = new Gauge({ name: 'barn_raft_is_leader', help: '1 if this node is the leader', registers: [this.registry] });
  readonly revision = new Gauge({ name: 'barn_kv_revision', help: 'Current key/value store revision', registers: [this.registry] });
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

  /** Gauges after a Ready: term, commit index and role from the Ready, applied index and revision from the KV. */
  observeReady(rd: Ready, kv: { appliedIndex(): number; revision(): number }): void {
    if (rd.hardState) {
      this.term.set(rd.hardState.term);
      this.commitIndex.set(rd.hardState.commit);
    }
    if (rd.softState) this.isLeader.set(rd.softState.role === 'leader' ? 1 : 0);
    this.appliedIndex.set(kv.appliedIndex());
    this.revision.set(kv.revision());
  }

  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
