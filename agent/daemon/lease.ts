// The agent's lease on /runink/agents/<node> (decision in README.md and contracts/agent-record.ts).
//
//   acquire  missing record, released lease, or our own session → take it (txn on the record's modRevision);
//            a lease of another session → take it over once its holder is known dead locally (same data root:
//            the agent.pid file names it, and that pid is not a live agent) or once the record has not changed
//            for ttlMs on our monotonic clock (the judge's rule), polling meanwhile.
//   renew    txn: modRevision(record) = our last write → put the new record. A failed compare means another
//            process took the node: LEASE_LOST. A renewal that could not reach Barn is retried on the next tick;
//            when no renewal succeeded for ttlMs (measured from when the last successful one was sent) the
//            lease counts as lost too, so the agent stops its slices no later than the judge expires it.
//   release  txn as renew, with `released: true`.
import { hostname } from 'node:os';
import type { BarnClient } from '../../barn/client.ts';
import type { KvRecord } from '../../barn/state/backend.ts';
import type { AgentLease, AgentRecord } from '../../contracts/agent-record.ts';
import { agentError, AGENT_CODES } from './errors.ts';

export interface LeaseOptions {
  readonly barn: BarnClient;
  readonly key: string;
  readonly ttlMs: number;
  readonly session: string;
  /** The record to write, given the lease to put in it. */
  readonly record: (lease: AgentLease) => AgentRecord;
  /** Whether the holder of `session` is known dead (the local agent.pid check). */
  readonly holderDead: (session: string) => Promise<boolean>;
  /** Monotonic ms (performance.now) and wall ms (Date.now), injected for tests. */
  readonly monotonic?: () => number;
  readonly wall?: () => number;
  readonly onWaiting?: (holder: string) => void;
}

export type RenewResult = 'renewed' | 'lost' | 'unreachable';

export class AgentLeaseKeeper {
  private modRevision = 0;
  private renewals = 0;
  private lastOkSentAt = 0;
  private readonly mono: () => number;
  private readonly wall: () => number;

  constructor(private readonly o: LeaseOptions) {
    this.mono = o.monotonic ?? (() => performance.now());
    this.wall = o.wall ?? (() => Date.now());
  }

  get held(): boolean {
    return this.modRevision > 0;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    let seen: { modRevision: number; since: number } | undefined;
    for (;;) {
      if (signal?.aborted) throw agentError(AGENT_CODES.LEASE_LOST, 'stopped before the lease was acquired');
      const r = await this.o.barn.get(this.o.key);
      if (!r.ok && r.status !== 404) throw agentError(AGENT_CODES.BARN_REFUSED, `reading ${this.o.key}: ${r.code}: ${r.message}`);
      const current: KvRecord | undefined = r.ok ? r.value : undefined;
      const holder = (current?.value as AgentRecord | undefined)?.lease;
      const free = current === undefined || holder === undefined || holder.released === true || holder.session === this.o.session || (await this.o.holderDead(holder.session));
      if (!free && seen?.modRevision === current.modRevision && this.mono() - seen.since >= this.o.ttlMs) {
        // expired by the judge's rule: unchanged for a whole ttl
      } else if (!free) {
        if (seen?.modRevision !== current.modRevision) seen = { modRevision: current.modRevision, since: this.mono() };
        this.o.onWaiting?.(holder.session);
        await sleep(Math.max(50, Math.floor(this.o.ttlMs / 3)));
        continue;
      }
      if (await this.write(current?.modRevision ?? 0, false)) return;
    }
  }

  async renew(): Promise<RenewResult> {
    if (!this.held) return 'lost';
    try {
      if (await this.write(this.modRevision, false)) return 'renewed';
      // A renewal whose answer was lost may have applied: then the record is still ours, one revision on.
      const r = await this.o.barn.get(this.o.key);
      const mine = r.ok && (r.value.value as AgentRecord | undefined)?.lease?.session === this.o.session;
      if (mine && (await this.write(r.value.modRevision, false))) return 'renewed';
      this.modRevision = 0;
      return 'lost';
    } catch {
      return this.mono() - this.lastOkSentAt >= this.o.ttlMs ? 'lost' : 'unreachable';
    }
  }

  async release(): Promise<void> {
    if (!this.held) return;
    await this.write(this.modRevision, true).catch(() => false);
    this.modRevision = 0;
  }

  /** txn: record at `expected` modRevision (0 = missing) → put; false when the compare failed. */
  private async write(expected: number, released: boolean): Promise<boolean> {
    const sentAt = this.mono();
    const lease: AgentLease = {
      session: this.o.session,
      ttlMs: this.o.ttlMs,
      renewedAt: this.wall(),
      renewals: this.renewals,
      pid: process.pid,
      hostname: hostname(),
      ...(released ? { released: true } : {}),
    };
    const r = await this.o.barn.txn([{ key: this.o.key, target: 'modRevision', op: '=', value: expected }], [{ type: 'put', key: this.o.key, value: this.o.record(lease) }]);
    if (!r.ok) throw agentError(AGENT_CODES.BARN_REFUSED, `writing ${this.o.key}: ${r.code}: ${r.message}`);
    if (!r.value.succeeded) return false;
    this.modRevision = r.value.revision;
    this.renewals++;
    this.lastOkSentAt = sentAt;
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
