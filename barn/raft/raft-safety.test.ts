// Randomized safety check: clusters driven by a seeded schedule of ticks, proposals, message delivery in
// random order, message loss, partitions and restarts. After every action the Raft safety properties
// must hold: at most one leader per term (election safety), every entry applied at an index is the same
// entry on every node (state machine safety, which implies log matching of committed prefixes), and every
// leader's log holds every committed entry (leader completeness).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import type { Rng } from '../../common/rng.ts';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import type { Message } from './types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

interface SimNode {
  readonly id: string;
  readonly storage: MemoryStorage;
  node: RawNode;
}

class Sim {
  readonly nodes: SimNode[];
  net: Message[] = [];
  cut = new Set<string>();
  readonly leaders = new Map<number, string>();
  readonly applied = new Map<number, string>();
  /** Per applied index: a term by which it was certainly committed. */
  readonly committedBy = new Map<number, number>();
  private proposals = 0;

  constructor(
    private readonly rng: Rng,
    size: number,
    private readonly opts: { preVote: boolean; checkQuorum: boolean },
  ) {
    const voters = Array.from({ length: size }, (_, i) => String(i + 1));
    const confState = { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    this.nodes = voters.map((id) => {
      const storage = new MemoryStorage({ confState });
      return { id, storage, node: this.boot(id, storage) };
    });
  }

  private boot(id: string, storage: MemoryStorage): RawNode {
    return new RawNode({
      id, electionTick: 5, heartbeatTick: 1, storage, applied: 0, maxSizePerMsg: 64, maxInflightMsgs: 4,
      checkQuorum: this.opts.checkQuorum, preVote: this.opts.preVote, rng: seededRng(this.rng.int(1 << 30)),
    });
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)] as T;
  }

  step(): void {
    const roll = this.rng.int(1000);
    const n = this.pick(this.nodes);
    if (roll < 250) n.node.tick();
    else if (roll < 600) this.deliverOne();
    else if (roll < 850) this.handleReady(n);
    else if (roll < 950) n.node.propose(enc.encode(`p${this.proposals++}`));
    else if (roll < 980) this.dropOne();
    else if (roll < 987) this.partitionRandomly();
    else if (roll < 997) this.cut.clear();
    else this.restart(n);
    this.check();
  }

  private handleReady(n: SimNode): void {
    if (!n.node.hasReady()) return;
    const rd = n.node.ready();
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    this.net.push(...rd.messages);
    for (const e of rd.committedEntries) {
      const key = `${e.term}:${dec.decode(e.data)}`;
      const seen = this.applied.get(e.index);
      assert.ok(seen === undefined || seen === key, `state machine safety: index ${e.index} applied as ${seen} and ${key} (node ${n.id})`);
      this.applied.set(e.index, key);
      // It was committed in a term ≤ the applying node's current term.
      const bound = this.committedBy.get(e.index);
      if (bound === undefined || n.node.raft.term < bound) this.committedBy.set(e.index, n.node.raft.term);
    }
    n.node.advance();
  }

  private deliverOne(): void {
    if (this.net.length === 0) return;
    const i = this.rng.int(this.net.length);
    const m = this.net[i] as Message;
    this.net.splice(i, 1);
    if (this.cut.has(`${m.from}-${m.to}`)) return;
    this.nodes.find((x) => x.id === m.to)?.node.step(m);
  }

  private dropOne(): void {
    if (this.net.length > 0) this.net.splice(this.rng.int(this.net.length), 1);
  }

  private partitionRandomly(): void {
    this.cut.clear();
    const side = new Set(this.nodes.filter(() => this.rng.int(2) === 0).map((n) => n.id));
    for (const a of this.nodes) for (const b of this.nodes) if (side.has(a.id) !== side.has(b.id)) this.cut.add(`${a.id}-${b.id}`);
  }

  /** Crash and restart: everything not handed to storage through a Ready is lost. */
  private restart(n: SimNode): void {
    n.node = this.boot(n.id, n.storage);
  }

  private checks = 0;

  private check(): void {
    this.checks++;
    for (const n of this.nodes) {
      const r = n.node.raft;
      if (r.role !== 'leader') continue;
      const prev = this.leaders.get(r.term);
      assert.ok(prev === undefined || prev === n.id, `election safety: ${prev} and ${n.id} both led term ${r.term}`);
      this.leaders.set(r.term, n.id);
      if (prev === undefined || this.checks % 50 === 0) this.checkLeaderCompleteness(n);
    }
  }

  /** Every entry committed before a leader's term is in that leader's log. */
  private checkLeaderCompleteness(n: SimNode): void {
    const log = n.node.raft.raftLog;
    for (const [index, key] of this.applied) {
      if ((this.committedBy.get(index) as number) >= n.node.raft.term) continue;
      const term = Number(key.slice(0, key.indexOf(':')));
      assert.equal(log.term(index), term, `leader completeness: leader ${n.id} of term ${n.node.raft.term} lacks committed entry ${index}`);
    }
  }
}

for (const cfg of [
  { size: 3, preVote: false, checkQuorum: false },
  { size: 5, preVote: true, checkQuorum: true },
  { size: 4, preVote: true, checkQuorum: false },
]) {
  test(`random schedules on ${cfg.size} nodes (preVote=${cfg.preVote}, checkQuorum=${cfg.checkQuorum}) keep election and state machine safety`, () => {
    let leaders = 0;
    let applied = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const sim = new Sim(seededRng(seed * 7919), cfg.size, cfg);
      for (let i = 0; i < 4000; i++) sim.step();
      leaders += sim.leaders.size;
      applied += sim.applied.size;
    }
    // The schedules must actually exercise the protocol: elections happen and entries get applied.
    assert.ok(leaders > 40, `only ${leaders} terms with a leader`);
    assert.ok(applied > 400, `only ${applied} entries applied`);
  });
}
