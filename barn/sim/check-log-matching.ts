// Log matching (Raft §5.3): if two logs hold an entry with the same index and term, the logs are identical
// in all entries up to that index. Checked two ways:
//   - incrementally (LogRegistry): every entry any node persists is registered under (index, term) with its
//     content and the term of the entry before it. A second registration must agree on both. By induction
//     this is log matching over the whole history (a leader creates (index, term) exactly once), at the cost
//     of one map lookup per persisted entry;
//   - directly (checkLogsPairwise): full pairwise comparison of a set of logs, used at the end of a run and
//     on fabricated logs in tests.
import { violated } from './violation.ts';
import type { Entry, NodeId } from '../raft/types.ts';

const decoder = new TextDecoder();

/** The content of an entry as a comparable string (type and payload; index and term are the key). */
export function entryFingerprint(e: Entry): string {
  return `${e.type}:${decoder.decode(e.data)}`;
}

interface Registered {
  readonly prevTerm: number;
  readonly fingerprint: string;
  readonly node: NodeId;
}

export class LogRegistry {
  private readonly seen = new Map<string, Registered>();

  /** `node` persisted `entries` (contiguous, ascending) right after an entry of term `prevTerm`. */
  recordPersisted(node: NodeId, prevTerm: number, entries: readonly Entry[]): void {
    let prev = prevTerm;
    for (const e of entries) {
      this.record(node, prev, e);
      prev = e.term;
    }
  }

  private record(node: NodeId, prevTerm: number, e: Entry): void {
    const key = `${e.index}/${e.term}`;
    const fingerprint = entryFingerprint(e);
    const known = this.seen.get(key);
    if (known === undefined) {
      this.seen.set(key, { prevTerm, fingerprint, node });
      return;
    }
    if (known.fingerprint !== fingerprint) {
      violated('log-matching', `entry ${e.index}/${e.term} is ${JSON.stringify(known.fingerprint)} on ${known.node} but ${JSON.stringify(fingerprint)} on ${node}`);
    }
    if (known.prevTerm !== prevTerm) {
      violated('log-matching', `entry ${e.index}/${e.term} follows term ${known.prevTerm} on ${known.node} but term ${prevTerm} on ${node}`);
    }
  }
}

/** A node's log: contiguous entries in ascending index order (may start after a compaction point). */
export interface LogView {
  readonly id: NodeId;
  readonly entries: readonly Entry[];
}

/** Throws log-matching unless every pair of logs is identical up to their last common (index, term). */
export function checkLogsPairwise(logs: readonly LogView[]): void {
  for (let a = 0; a < logs.length; a++) {
    for (let b = a + 1; b < logs.length; b++) checkPair(logs[a] as LogView, logs[b] as LogView);
  }
}

function checkPair(a: LogView, b: LogView): void {
  const first = Math.max(firstIndex(a), firstIndex(b));
  const last = Math.min(lastIndex(a), lastIndex(b));
  let agreed = 0;
  for (let i = last; i >= first; i--) {
    if (at(a, i).term === at(b, i).term) {
      agreed = i;
      break;
    }
  }
  for (let i = first; i <= agreed; i++) {
    const x = at(a, i);
    const y = at(b, i);
    if (x.term !== y.term || entryFingerprint(x) !== entryFingerprint(y)) {
      violated(
        'log-matching',
        `${a.id} and ${b.id} share entry ${agreed}/${at(a, agreed).term} but differ at index ${i}: ${x.term}/${entryFingerprint(x)} vs ${y.term}/${entryFingerprint(y)}`,
      );
    }
  }
}

function firstIndex(l: LogView): number {
  return l.entries[0]?.index ?? Number.MAX_SAFE_INTEGER;
}

function lastIndex(l: LogView): number {
  return l.entries[l.entries.length - 1]?.index ?? 0;
}

function at(l: LogView, i: number): Entry {
  return l.entries[i - firstIndex(l)] as Entry;
}
