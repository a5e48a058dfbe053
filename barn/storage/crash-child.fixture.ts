// The process crash-recovery.test.ts kills. Usage: node --import tsx crash-child.fixture.ts DIR SEED MAX_MS [write-back]
//
// With `write-back` the store applies in memory (LmdbStore write-back): KV batches run through
// kv.applyInMemory and reach the env only with a later transaction or a random writeBack() op.
// It opens the store, prints `S <summary>` of what it found, then loops over random durable operations
// (persist Readys with appends / conflicting appends / snapshot installs, KV apply batches, snapshot restores,
// saveSnapshot, compact, and commit-only Readys written without the meta-page flush). For each operation n it prints `I n <summary after n>` BEFORE the write and `A n` after
// the synchronous write returned. stdout writes to a pipe are synchronous on Linux, so a printed line reached the
// parent even if the process is killed right after. The summaries come from an in-memory mirror, never from the
// store, so the parent can compare the reopened store against what the child believed it had made durable.
import { seededRng, type Rng } from '../../common/rng.ts';
import type { ConfState, Entry, HardState } from '../raft/types.ts';
import type { KvEvent } from '../state/backend.ts';
import { applyIndex, decodeKv, encodeKv, readParts, summarize, type StoreParts } from './crash-model.fixture.ts';
import type { LmdbKvWriter } from './lmdb-kv.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';

const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

interface Op {
  readonly next: StoreParts;
  readonly run: () => void;
  /** Written without the meta-page flush (a commit-only Ready: LmdbStore.persistAndApply). */
  readonly deferred?: boolean;
}

class Child {
  private m: StoreParts;
  private term: number;

  constructor(private readonly store: LmdbStore, private readonly rng: Rng, private readonly writeBack: boolean) {
    this.m = readParts(store);
    this.term = Math.max(1, this.m.hard.term, this.lastTerm());
  }

  run(deadline: number): void {
    out(`S ${JSON.stringify(summarize(this.m))}`);
    for (let n = 1; Date.now() < deadline; n++) {
      const op = this.choose(n);
      out(`I ${n} ${JSON.stringify(summarize(op.next))}`);
      op.run();
      this.m = op.next;
      out(`A ${n}${op.deferred === true ? ' deferred' : ''}`);
    }
  }

  private choose(n: number): Op {
    const m = this.m;
    if (m.applied < m.snapIndex) return this.restore();
    const r = this.rng.int(100);
    if (m.applied < m.hard.commit && r < 40) return this.apply();
    if (m.hard.commit < this.lastIndex() && r < 55) return this.commitAndApply();
    if (m.applied - m.snapIndex > 60 && r < 50) return this.saveSnapshot();
    if (m.snapIndex - m.offsetIndex > 20 && r < 60) return this.compact();
    if (r >= 97) return this.install(n);
    if (this.writeBack && r >= 90) return { next: m, run: () => this.store.writeBack() };
    return this.append(n);
  }

  private append(n: number): Op {
    const m = this.m;
    const last = this.lastIndex();
    let start = last + 1;
    let term = this.term;
    if (m.entries.length > 0 && this.rng.int(100) < 15) {
      start = Math.max(m.hard.commit + 1, m.offsetIndex + 1, last - this.rng.int(3));
      term++;
    } else if (this.rng.int(100) < 5) {
      term++;
    }
    const fresh = this.makeEntries(n, start, 1 + this.rng.int(16), term);
    const newLast = start + fresh.length - 1;
    const hard: HardState = { term, vote: 'n1', commit: Math.min(newLast, m.hard.commit + this.rng.int(fresh.length + 4)) };
    const next = { ...m, entries: m.entries.filter((e) => e.index < start).concat(fresh), hard };
    return {
      next,
      run: () => {
        this.store.persist({ entries: fresh, hardState: hard });
        this.term = term;
      },
    };
  }

  /** The node loop's commit-only Ready: the commit index moves (term and vote unchanged, no entries) and the
   * newly committed entries are applied in the same, deferred, write. */
  private commitAndApply(): Op {
    const m = this.m;
    const commit = Math.min(this.lastIndex(), m.hard.commit + 1 + this.rng.int(10));
    const hard: HardState = { ...m.hard, commit };
    const applied = this.apply({ ...m, hard }, commit);
    return {
      next: applied.next,
      deferred: true,
      run: () => {
        const { durable } = this.store.persistAndApply({ entries: [], hardState: hard }, (w) => applied.writes(w));
        if (durable) throw new Error('a commit-only Ready was written durably');
      },
    };
  }

  private apply(from: StoreParts = this.m, upTo?: number): Op & { writes: (w: LmdbKvWriter) => void } {
    const m = from;
    const to = upTo ?? Math.min(m.hard.commit, m.applied + 1 + this.rng.int(20));
    const kv = new Map(m.kv);
    const events: KvEvent[] = [];
    for (let i = m.applied + 1; i <= to; i++) events.push(applyIndex(kv, i));
    let revisions = m.eventRevisions.concat(events.map((e) => e.revision));
    const compactTo = revisions.length > 100 && to - 30 > m.compacted ? to - 30 : undefined;
    let compacted = m.compacted;
    if (compactTo !== undefined) {
      compacted = compactTo;
      revisions = revisions.filter((r) => r >= compactTo);
    }
    const next = { ...m, kv, applied: to, revision: to, compacted, eventRevisions: revisions };
    const writes = (w: LmdbKvWriter): void => {
      for (const e of events) {
        if (e.type === 'put') w.putRecord(e.record);
        else w.deleteKey(e.record.key);
        w.appendEvent(e);
      }
      w.setRevision(to);
      w.setAppliedIndex(to);
      if (compactTo !== undefined) w.compactHistory(compactTo);
    };
    return { next, writes, run: () => (this.writeBack ? this.store.kv.applyInMemory(writes) : this.store.kv.write(writes)) };
  }

  private saveSnapshot(): Op {
    const m = this.m;
    const term = m.entries.find((e) => e.index === m.applied)?.term;
    if (term === undefined) throw new Error(`mirror has no entry ${m.applied}`);
    const data = encodeKv(m.kv);
    const next = { ...m, snapIndex: m.applied, snapData: data };
    return { next, run: () => this.store.saveSnapshot({ metadata: { index: m.applied, term, confState: CONF }, data }) };
  }

  private compact(): Op {
    const m = this.m;
    const index = m.snapIndex - this.rng.int(10);
    const offsetTerm = m.entries.find((e) => e.index === index)?.term;
    if (offsetTerm === undefined) throw new Error(`mirror has no entry ${index}`);
    const next = { ...m, offsetIndex: index, offsetTerm, entries: m.entries.filter((e) => e.index > index) };
    return { next, run: () => this.store.compact(index) };
  }

  /** A leader's snapshot beyond our log: persisted with the entries after it, restored into the KV by the next op. */
  private install(n: number): Op {
    const m = this.m;
    const index = this.lastIndex() + 3 + this.rng.int(5);
    const term = this.term + 1;
    const kv = new Map(m.kv);
    for (let i = m.applied + 1; i <= index; i++) applyIndex(kv, i);
    const data = encodeKv(kv);
    const after = this.makeEntries(n, index + 1, 1 + this.rng.int(3), term);
    const hard: HardState = { term, vote: '', commit: index };
    const next = { ...m, offsetIndex: index, offsetTerm: term, entries: after, hard, snapIndex: index, snapData: data };
    const snapshot = { metadata: { index, term, confState: CONF }, data };
    return {
      next,
      run: () => {
        this.store.persist({ snapshot, entries: after, hardState: hard });
        this.term = term;
      },
    };
  }

  /** What a node loop does on start (or right after an install): KV behind the snapshot → load the snapshot. */
  private restore(): Op {
    const m = this.m;
    const index = m.snapIndex;
    const kv = decodeKv(m.snapData);
    const next = { ...m, kv, applied: index, revision: index, compacted: Math.max(m.compacted, index), eventRevisions: m.eventRevisions.filter((r) => r >= index) };
    return {
      next,
      run: () => {
        const stored = decodeKv(this.store.readSnapshot().data);
        this.store.kv.write((w) => {
          for (const r of w.range('', undefined)) w.deleteKey(r.key);
          for (const r of stored.values()) w.putRecord(r);
          w.setRevision(index);
          w.setAppliedIndex(index);
          w.compactHistory(index);
        });
      },
    };
  }

  private makeEntries(n: number, start: number, count: number, term: number): Entry[] {
    const out: Entry[] = [];
    for (let k = 0; k < count; k++) {
      const index = start + k;
      const text = `${n}:${index}:${'x'.repeat(this.rng.int(200))}`;
      out.push({ index, term, type: this.rng.int(20) === 0 ? 'conf-change' : 'normal', data: new TextEncoder().encode(text) });
    }
    return out;
  }

  private lastIndex(): number {
    return this.m.entries[this.m.entries.length - 1]?.index ?? this.m.offsetIndex;
  }

  private lastTerm(): number {
    return this.m.entries[this.m.entries.length - 1]?.term ?? this.m.offsetTerm;
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const [dir, seed, maxMs, mode] = process.argv.slice(2);
  if (dir === undefined || seed === undefined || maxMs === undefined) throw new Error('usage: crash-child.fixture.ts DIR SEED MAX_MS [write-back]');
  const writeBack = mode === 'write-back';
  const store = openStore(dir, { clusterId: 'c-crash', nodeId: 'n1', writeBack });
  new Child(store, seededRng(Number(seed)), writeBack).run(Date.now() + Number(maxMs));
  await store.close();
}

main().catch((e: unknown) => {
  out(`E ${e instanceof Error ? e.stack ?? e.message : String(e)}`.replace(/\n/g, ' | '));
  process.exit(2);
});
