// The node loop of DESIGN §3 over a SimNode, reporting everything it persists and applies to the checker:
//   phase 1 (persistAndSend): ready() → persist snapshot, entries, hard state (one write) → send messages;
//   phase 2 (applyAndAdvance): apply the snapshot, then the committed entries → advance().
// Eager mode runs both phases back to back; lazy mode schedules them as separate actions, so the node is
// ticked and stepped while a Ready is half handled (as the RawNode contract allows).
import { RawNode } from '../raft/raw-node.ts';
import type { MemoryStorage } from '../raft/memory-storage.ts';
import type { ConfChange, ConfState, Entry, Ready, Snapshot } from '../raft/types.ts';
import { NONE } from '../raft/types.ts';
import type { SafetyChecker } from './checker.ts';
import { NO_OP_CHANGE } from './membership.ts';
import type { Network } from './network.ts';
import type { SimNode } from './sim-node.ts';
import { decodeStateMachine, sameApplied, toApplied } from './state-machine.ts';
import type { PlantedBug } from './types.ts';
import { violated } from './violation.ts';

export interface LoopEnv {
  readonly checker: SafetyChecker;
  readonly network: Network;
  readonly plantedBug: PlantedBug | undefined;
  /** Counts snapshots installed into a state machine. */
  onSnapshotInstalled(): void;
  /** A node applied configuration `confState` at log index `index` (a conf change or a snapshot). */
  onConfState(index: number, confState: ConfState): void;
  /** The application's validation of a committed conf change against the current configuration; a change
   * it refuses is applied as NO_OP_CHANGE. */
  admitConfChange(current: ConfState, cc: ConfChange): boolean;
}

/** Most turns a node gets in one drain (a Ready chain longer than this means the core is spinning). */
const MAX_TURNS = 1000;

/** Runs whole turns until the node has nothing to do. */
export function drainReady(env: LoopEnv, n: SimNode): void {
  for (let turns = 0; n.raw?.hasReady() === true; turns++) {
    if (turns >= MAX_TURNS) throw new Error(`node ${n.id} still has a Ready after ${MAX_TURNS} turns`);
    persistAndSend(env, n);
    applyAndAdvance(env, n);
  }
}

/** Phase 1. Requires an up node with no pending Ready. */
export function persistAndSend(env: LoopEnv, n: SimNode): void {
  const raw = n.raw as RawNode;
  const rd = raw.ready();
  if (env.plantedBug !== 'persist-after-send') persist(env, n, rd);
  for (const m of rd.messages) env.network.send(n.id, n.incarnation, m);
  for (const rs of rd.readStates) env.checker.reads.observe(n.id, rs.requestCtx, rs.index);
  n.pending = rd;
}

/** Phase 2. Requires a pending Ready. */
export function applyAndAdvance(env: LoopEnv, n: SimNode): void {
  const raw = n.raw as RawNode;
  const rd = n.pending as Ready;
  n.pending = undefined;
  if (env.plantedBug === 'persist-after-send') persist(env, n, rd);
  if (rd.snapshot !== undefined) {
    installSnapshot(env, n, rd.snapshot, raw.raft.term);
    n.confHistory = [];
    env.onConfState(rd.snapshot.metadata.index, rd.snapshot.metadata.confState);
  }
  for (const e of rd.committedEntries) {
    applyEntry(env, n, e, raw.raft.term);
    if (e.type !== 'conf-change') continue;
    const cc = RawNode.confChangeOf(e.data);
    const confState = raw.applyConfChange(env.admitConfChange(raw.raft.trk.confState(), cc) ? cc : NO_OP_CHANGE);
    n.confHistory.push({ index: e.index, confState });
    env.onConfState(e.index, confState);
  }
  raw.advance();
}

/** The one durable write of a Ready: snapshot, entries, hard state. */
function persist(env: LoopEnv, n: SimNode, rd: Ready): void {
  if (rd.snapshot !== undefined) persistSnapshot(env, n, rd.snapshot);
  if (rd.entries.length > 0) persistEntries(env, n, rd.entries);
  if (rd.hardState !== undefined) {
    env.checker.commits.recordDurable(n.id, rd.hardState.commit);
    n.storage.setHardState(env.plantedBug === 'forget-vote-on-restart' ? { ...rd.hardState, vote: NONE } : rd.hardState);
  }
}

function persistSnapshot(env: LoopEnv, n: SimNode, snap: Snapshot): void {
  // Everything in the log goes; entries up to the snapshot's index live on inside it.
  env.checker.committed.checkDiscard(n.id, storedFrom(n.storage, snap.metadata.index + 1));
  n.storage.applySnapshot(snap);
}

function persistEntries(env: LoopEnv, n: SimNode, entries: readonly Entry[]): void {
  const s = n.storage;
  const first = (entries[0] as Entry).index;
  const replaced = storedFrom(s, first).filter((old) => entries[old.index - first]?.term !== old.term);
  env.checker.committed.checkDiscard(n.id, replaced);
  s.append(entries);
  const kept = entries.filter((e) => e.index >= s.firstIndex());
  const head = kept[0];
  if (head !== undefined) env.checker.logs.recordPersisted(n.id, s.term(head.index - 1), kept);
}

/** (index, term) of the stored entries from `from` on. */
function storedFrom(s: MemoryStorage, from: number): { index: number; term: number }[] {
  const out: { index: number; term: number }[] = [];
  for (let i = Math.max(from, s.firstIndex()); i <= s.lastIndex(); i++) out.push({ index: i, term: s.term(i) });
  return out;
}

function installSnapshot(env: LoopEnv, n: SimNode, snap: Snapshot, term: number): void {
  const sm = decodeStateMachine(snap.data);
  if (sm.length !== snap.metadata.index) violated('state-machine-safety', `${n.id} received a snapshot at index ${snap.metadata.index} holding ${sm.length} entries`);
  if (sm.length < n.sm.length) violated('state-machine-safety', `${n.id} installed a snapshot at ${sm.length} below its applied index ${n.sm.length}`);
  n.sm.forEach((mine, i) => {
    const theirs = sm[i];
    if (theirs === undefined || !sameApplied(mine, theirs)) violated('state-machine-safety', `${n.id} installed a snapshot that differs from its applied entry ${mine.index}`);
  });
  env.checker.committed.recordStateMachine(n.id, sm, term);
  n.sm = sm;
  env.onSnapshotInstalled();
}

/** Applies one committed entry. Entries already applied before a restart are delivered again: they must be
 * the very entries applied then, and are not applied twice. */
function applyEntry(env: LoopEnv, n: SimNode, e: Entry, term: number): void {
  const a = toApplied(e);
  const applied = n.sm.length;
  if (e.index <= applied) {
    const before = n.sm[e.index - 1];
    if (before === undefined || !sameApplied(before, a)) {
      violated('state-machine-safety', `${n.id} re-learned entry ${e.index} as ${e.term}/${a.value}, but had applied ${before === undefined ? 'nothing' : `${before.term}/${before.value}`}`);
    }
    return;
  }
  if (e.index !== applied + 1) violated('state-machine-safety', `${n.id} was handed entry ${e.index} to apply after ${applied}`);
  env.checker.committed.recordApply(n.id, a, term);
  n.sm.push(a);
}
