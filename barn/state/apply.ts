// Applying committed Raft entries to the KV state. Deterministic: the same entries give the same state and
// results on every replica. Contracts:
// - one entry = at most one revision: every write of a command (all ops of a txn) shares revision + 1; a
//   command that changes nothing (failed compare, delete of a missing key, compact) keeps the revision.
// - idempotent: an entry with index ≤ appliedIndex is skipped; otherwise the applied index is set in the
//   same write transaction as the entry's effects (crash-safe re-apply).
// - total: a bad payload or a failed condition is a result (`ok: false` with a code), never an exception; the
//   entry still counts as applied. An exception means the backend failed, and aborts the whole transaction.
import type { Entry } from '../raft/types.ts';
import type { KvBackend, KvEvent, KvRecord, KvWriter } from './backend.ts';
import type { Command, CommandType, Op } from './commands.ts';
import { decodeCommand } from './commands.ts';
import { compareHolds } from './compare.ts';
import { compactTo } from './compaction.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { Batch } from './mutations.ts';

export type OpResult =
  | { readonly type: 'put'; readonly record: KvRecord; readonly prev: KvRecord | null }
  | { readonly type: 'delete' | 'delete-range'; readonly deleted: readonly KvRecord[] };

export interface ApplyOk {
  readonly ok: true;
  /** `noop`: an empty (leader) or non-KV entry; `skipped`: already applied before. */
  readonly command: CommandType | 'noop' | 'skipped';
  /** The store revision after the entry. */
  readonly revision: number;
  /** One per op executed (put/delete/delete-range: one; txn: the taken branch's ops; others: none). */
  readonly results: readonly OpResult[];
  /** txn only: whether every compare held (false: the failure branch ran). */
  readonly succeeded?: boolean;
  /** txn only, when a compare failed: the first failing compare and its key's current record. */
  readonly failedCompare?: { readonly index: number; readonly current: KvRecord | null };
  /** The history events written, in order: pass them to WatchHub.notify after the transaction commits. */
  readonly events: readonly KvEvent[];
}

export type ApplyError = StateError & { readonly revision: number };
export type ApplyResult = ApplyOk | ApplyError;

/** Applies one normal entry's command bytes inside the caller's write transaction. */
export function applyEntry(w: KvWriter, index: number, data: Uint8Array): ApplyResult {
  if (index <= w.appliedIndex()) return done(w.revision(), 'skipped');
  const result = data.length === 0 ? done(w.revision(), 'noop') : applyDecoded(w, data);
  w.setAppliedIndex(index);
  return result;
}

/** Applies committed entries in one write transaction; conf-change entries only advance the applied index. */
export function applyBatch(
  backend: KvBackend,
  entries: readonly Pick<Entry, 'index' | 'type' | 'data'>[],
): { results: ApplyResult[]; events: KvEvent[] } {
  return backend.write((w) => {
    const results = entries.map((e) => applyEntry(w, e.index, e.type === 'normal' ? e.data : new Uint8Array()));
    return { results, events: results.flatMap((r) => (r.ok ? r.events : [])) };
  });
}

function applyDecoded(w: KvWriter, data: Uint8Array): ApplyResult {
  const decoded = decodeCommand(data);
  if (!decoded.ok) return { ...decoded, revision: w.revision() };
  return applyCommand(w, decoded.command);
}

/** Executes a validated command (exported for tests and for a single-node fast path). */
export function applyCommand(w: KvWriter, command: Command): ApplyResult {
  switch (command.type) {
    case 'put':
    case 'delete': {
      const failed = checkIfRevision(w, command.key, command.ifRevision);
      if (failed) return failed;
      return runOps(w, command.type, [command]);
    }
    case 'delete-range':
      return runOps(w, command.type, [command]);
    case 'txn': {
      const index = command.compare.findIndex((c) => !compareHolds(c, w.get(c.key)));
      if (index < 0) return { ...runOps(w, 'txn', command.success), succeeded: true };
      const current = w.get(command.compare[index]!.key) ?? null;
      return { ...runOps(w, 'txn', command.failure), succeeded: false, failedCompare: { index, current } };
    }
    case 'compact': {
      const error = compactTo(w, command.revision);
      return error ? { ...error, revision: w.revision() } : done(w.revision(), 'compact');
    }
  }
}

function checkIfRevision(w: KvWriter, key: string, ifRevision: number | undefined): ApplyError | undefined {
  if (ifRevision === undefined) return undefined;
  const current = w.get(key) ?? null;
  if ((current?.modRevision ?? 0) === ifRevision) return undefined;
  const actual = current === null ? 'does not exist' : `has modRevision ${current.modRevision}`;
  return { ...stateError('BARN_COMPARE_FAILED', `${key} ${actual}, not ${ifRevision}`, { current }), revision: w.revision() };
}

/** Runs ops at one new revision; the revision is taken only if something was written. */
function runOps(w: KvWriter, command: CommandType, ops: readonly Op[]): ApplyOk {
  const batch = new Batch(w);
  const results = ops.map((op): OpResult => {
    switch (op.type) {
      case 'put':
        return { type: 'put', ...batch.put(op.key, op.value) };
      case 'delete':
        return { type: 'delete', deleted: batch.delete(op.key) };
      case 'delete-range':
        return { type: 'delete-range', deleted: batch.deletePrefix(op.prefix) };
    }
  });
  return { ok: true, command, revision: batch.finish(), results, events: batch.events };
}

function done(revision: number, command: ApplyOk['command']): ApplyOk {
  return { ok: true, command, revision, results: [], events: [] };
}
