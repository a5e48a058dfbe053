// The acknowledged-committed log: every entry some node has applied (what a server would acknowledge to a
// client), in index order. Three invariants are checked against it:
//   state machine safety (Raft §5.4.3) — every node applies the same entry at an index; since every node
//     applies 1, 2, 3, … (or installs a snapshot holding exactly that prefix), applied sequences are prefixes
//     of one another;
//   leader completeness (Raft §5.4) — an entry acknowledged while its observer was at term T is in the log of
//     every leader of a term > T (T is ≥ the term that committed it, so the check is sound);
//   durability — an acknowledged entry is never discarded from a node's durable log, and the voters that do
//     not hold it durably (in their log with the same term, or inside their snapshot) never form a quorum of
//     the newest configuration any node applied, so no crash can lose it and no election can overwrite it.
import { violated } from './violation.ts';
import type { ConfState, EntryType, NodeId } from '../raft/types.ts';

/** One entry as the simulated state machine applied it: the state machine is the list of these. */
export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  readonly kind: EntryType;
  /** The payload as text ('' for the leader's no-op). */
  readonly value: string;
}

interface Acknowledged {
  readonly term: number;
  readonly fingerprint: string;
  /** The observer's term when first applied: the entry was committed by a leader of this term or earlier. */
  readonly observedTerm: number;
  readonly node: NodeId;
}

/** What the leader-completeness check needs of a leader's (in-memory) log. */
export interface LeaderLogView {
  readonly id: NodeId;
  readonly incarnation: number;
  readonly term: number;
  /** Entries before it are compacted into the snapshot. */
  readonly firstIndex: number;
  readonly lastIndex: number;
  termAt(i: number): number | undefined;
}

/** What the durability check needs of a node's durable storage. */
export interface DurableLogView {
  readonly id: NodeId;
  readonly snapshotIndex: number;
  /** Term of the durable entry at i, undefined when absent. */
  termAt(i: number): number | undefined;
}

export class CommittedLog {
  /** Position i - 1 holds index i. */
  private readonly acked: Acknowledged[] = [];
  /** Leader (id, incarnation, term) → highest index already verified in its log. */
  private readonly verified = new Map<string, number>();

  /** Highest acknowledged index. */
  size(): number {
    return this.acked.length;
  }

  /** `node`, at term `observedTerm`, applied `e`. Throws state-machine-safety on any disagreement. */
  recordApply(node: NodeId, e: AppliedEntry, observedTerm: number): void {
    const fingerprint = `${e.kind}:${e.value}`;
    const known = this.acked[e.index - 1];
    if (known !== undefined) {
      if (known.term !== e.term || known.fingerprint !== fingerprint) {
        violated('state-machine-safety', `index ${e.index} applied as ${known.term}/${known.fingerprint} on ${known.node} but as ${e.term}/${fingerprint} on ${node}`);
      }
      return;
    }
    if (e.index !== this.acked.length + 1) {
      violated('state-machine-safety', `${node} applied index ${e.index} but no node has applied index ${this.acked.length + 1}`);
    }
    this.acked.push({ term: e.term, fingerprint, observedTerm, node });
  }

  /** A whole state machine (e.g. from an installed snapshot): entries 1..n in order. */
  recordStateMachine(node: NodeId, entries: readonly AppliedEntry[], observedTerm: number): void {
    entries.forEach((e, i) => {
      if (e.index !== i + 1) violated('state-machine-safety', `${node}'s state machine has index ${e.index} at position ${i + 1}`);
      this.recordApply(node, e, observedTerm);
    });
  }

  /** Throws leader-completeness if the leader's log lacks an entry acknowledged before its term. */
  checkLeader(l: LeaderLogView): void {
    const key = `${l.id}#${l.incarnation}#${l.term}`;
    const from = (this.verified.get(key) ?? 0) + 1;
    for (let i = from; i <= this.acked.length; i++) {
      const known = this.acked[i - 1] as Acknowledged;
      // Compacted entries were applied by the leader itself (state machine safety covers them).
      if (known.observedTerm >= l.term || i < l.firstIndex) continue;
      if (i > l.lastIndex || l.termAt(i) !== known.term) {
        violated(
          'leader-completeness',
          `${l.id}, leader of term ${l.term}, lacks entry ${i}/${known.term} (acknowledged by ${known.node} at term ${known.observedTerm}); its log has ${i > l.lastIndex ? 'no such index' : `term ${String(l.termAt(i))}`}`,
        );
      }
    }
    this.verified.set(key, this.acked.length);
  }

  /** `node` is about to drop `lost` (index, term) pairs from its durable log. */
  checkDiscard(node: NodeId, lost: readonly { index: number; term: number }[]): void {
    for (const e of lost) {
      const known = this.acked[e.index - 1];
      if (known !== undefined && known.term === e.term) {
        violated('durability', `${node} discards acknowledged entry ${e.index}/${e.term} from its durable log`);
      }
    }
  }

  /** Throws durability if, for some acknowledged entry, the voters of `config` lacking it durably (a voter
   * without a view lacks everything) form a quorum (a majority, of both halves when joint). */
  checkDurableQuorum(nodes: readonly DurableLogView[], config: ConfState): void {
    const voters = [...new Set([...config.voters, ...config.votersOutgoing])];
    for (let i = 1; i <= this.acked.length; i++) {
      const known = this.acked[i - 1] as Acknowledged;
      const holders = nodes.filter((n) => i <= n.snapshotIndex || n.termAt(i) === known.term).map((n) => n.id);
      const lacking = new Set(voters.filter((id) => !holders.includes(id)));
      if (isQuorum(lacking, config)) {
        violated('durability', `acknowledged entry ${i}/${known.term} is durable only on [${holders.join(' ')}]; the others form a quorum of ${describeVoters(config)}`);
      }
    }
  }
}

/** Whether `ids` contain a majority of the voters (of both halves of a joint configuration). */
export function isQuorum(ids: ReadonlySet<NodeId>, config: ConfState): boolean {
  const majority = (voters: readonly NodeId[]): boolean => voters.filter((v) => ids.has(v)).length > voters.length / 2;
  return majority(config.voters) && (config.votersOutgoing.length === 0 || majority(config.votersOutgoing));
}

function describeVoters(c: ConfState): string {
  const half = (ids: readonly NodeId[]): string => `(${ids.join(' ')})`;
  return c.votersOutgoing.length === 0 ? `voters=${half(c.voters)}` : `voters=${half(c.voters)}&&${half(c.votersOutgoing)}`;
}
