// Helpers for the core's unit tests: members built straight from a Raft (no RawNode), a synchronous
// network that delivers until quiet, and entry/log builders. Test-only; nothing in the core imports it.
import { seededRng } from '../../common/rng.ts';
import type { Config } from './config.ts';
import { MemoryStorage } from './memory-storage.ts';
import { Raft } from './raft.ts';
import type { Entry, Message, NodeId } from './types.ts';

const encoder = new TextEncoder();

export function entry(term: number, index: number, data = ''): Entry {
  return { term, index, type: 'normal', data: encoder.encode(data) };
}

/** A storage whose log holds one entry per given term (indexes 1, 2, …). */
export function storageWithTerms(voters: readonly NodeId[], terms: readonly number[]): MemoryStorage {
  const s = new MemoryStorage({ confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } });
  s.append(terms.map((t, i) => entry(t, i + 1)));
  return s;
}

export function newTestRaft(id: NodeId, voters: readonly NodeId[], opts: Partial<Config> = {}): Raft {
  return new Raft({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    storage: storageWithTerms(voters, []),
    maxSizePerMsg: Number.MAX_SAFE_INTEGER,
    maxInflightMsgs: 256,
    checkQuorum: false,
    preVote: false,
    rng: seededRng(Number.parseInt(id, 10) || 7),
    ...opts,
  });
}

export function drain(r: Raft): Message[] {
  const out = r.msgs;
  r.msgs = [];
  return out;
}

/** Delivers messages among members until none are left. Links in `cut` ("1-2", directional) drop. */
export class TestNetwork {
  readonly peers = new Map<NodeId, Raft>();
  readonly cut = new Set<string>();

  constructor(rafts: readonly Raft[]) {
    for (const r of rafts) this.peers.set(r.id, r);
  }

  isolate(id: NodeId): void {
    for (const other of this.peers.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}-${other}`);
      this.cut.add(`${other}-${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Steps `m` into its recipient and then everything that produces, breadth first. */
  send(...initial: Message[]): void {
    const queue = [...initial];
    for (const r of this.peers.values()) queue.push(...drain(r));
    for (let steps = 0; queue.length > 0; steps++) {
      if (steps > 100_000) throw new Error('network did not quiesce');
      const m = queue.shift() as Message;
      const to = this.peers.get(m.to);
      if (to === undefined || this.cut.has(`${m.from}-${m.to}`)) continue;
      to.step(m);
      queue.push(...drain(to));
    }
  }
}
