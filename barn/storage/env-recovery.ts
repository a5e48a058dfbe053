// Bringing the LMDB env in line with the write-ahead log when a store opens (the WAL is the durable truth; see
// wal.ts and env-trust.ts). Each function runs inside the caller's one write transaction.
//
//   catchUp   the env is trusted and a prefix of the WAL (a crash came between a WAL append or rotation and
//             the env transaction that follows it): the newer snapshot metadata, the missing entries and the
//             newer hard state are written.
//   rebuild   the env is empty or may be torn (the machine went down since it was last written) or disagrees with
//             the WAL: every table is cleared and the Raft state written from the WAL. The state machine is left
//             empty at applied index 0; the node restores the snapshot file and re-applies committed entries.
//   seedFromEnv   the other way round, once: a dir written before the WAL existed (its env was written
//             durably) gives the first segment its snapshot, hard state and entries.
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.ts';
import { EMPTY_HARD_STATE } from '../raft/types.ts';
import { decodeJson, decodeU64, encodeJson } from './codec.ts';
import { META, type StoreDbs } from './lmdb-env.ts';
import { appendEntries, loadLog, logTerm, readEntries, resetLog, type LogState } from './lmdb-log.ts';
import type { WalSeed } from './wal.ts';
import { EMPTY_SNAPSHOT_META } from './store-checks.ts';
import type { WalState } from './wal-replay.ts';

/** What the env holds of the Raft state. */
export interface EnvRaftState {
  readonly log: LogState;
  readonly hardState: HardState;
  readonly snapshot: SnapshotMetadata;
  /** The state machine's applied index (its entries can never be replaced). */
  readonly applied: number;
}

export function readEnvRaftState(dbs: StoreDbs): EnvRaftState {
  const hard = dbs.meta.getBinary(META.hardState);
  const snap = dbs.meta.getBinary(META.snapshotMeta);
  return {
    log: loadLog(dbs),
    hardState: hard === undefined ? EMPTY_HARD_STATE : decodeJson<HardState>(hard, 'hard state'),
    snapshot: snap === undefined ? EMPTY_SNAPSHOT_META : decodeJson<SnapshotMetadata>(snap, 'snapshot metadata'),
    applied: decodeU64(dbs.meta.getBinary(META.kvApplied), 0),
  };
}

/** What the env lacks of the WAL (a crash came between a WAL append or rotation and the env transaction that
 * follows): a newer snapshot (and whether the log must be reset to it: an installed snapshot, not a local one),
 * then the entries after the newest index both hold with the same term (by Log Matching, everything up to it
 * agrees), which replace whatever the env holds after it (a conflicting suffix the WAL already replaced).
 * undefined when the env cannot be brought in line this way (then: rebuild). */
export interface CatchUp {
  readonly snapshot: SnapshotMetadata | undefined;
  readonly resetLog: boolean;
  readonly entries: readonly Entry[];
}

export function planCatchUp(env: EnvRaftState, wal: WalState): CatchUp | undefined {
  const walSnap = wal.snapshot ?? EMPTY_SNAPSHOT_META;
  if (walSnap.index < env.snapshot.index) return undefined;
  const snapshot = walSnap.index > env.snapshot.index ? walSnap : undefined;
  const keepsLog = snapshot === undefined || (snapshot.index >= env.log.offsetIndex && snapshot.index <= env.log.lastIndex && logTerm(env.log, snapshot.index) === snapshot.term);
  const last = keepsLog ? env.log.lastIndex : walSnap.index;
  if (last < walSnap.index) return undefined;
  const walLast = wal.entries.length > 0 ? (wal.entries.at(-1) as Entry).index : walSnap.index;
  let agree = Math.min(last, walLast);
  while (agree > walSnap.index && (wal.entries[agree - walSnap.index - 1] as Entry).term !== logTerm(env.log, agree)) agree--;
  const entries = wal.entries.filter((e) => e.index > agree);
  if (agree < last && agree < env.applied) return undefined; // an applied entry would be replaced: never written so
  if (entries.length === 0 && last > agree) return undefined; // the env holds entries the WAL does not
  return { snapshot, resetLog: !keepsLog, entries };
}

export function catchUp(dbs: StoreDbs, env: EnvRaftState, wal: WalState, plan: CatchUp): void {
  let log = env.log;
  if (plan.snapshot !== undefined) {
    dbs.meta.putSync(META.snapshotMeta, encodeJson(plan.snapshot));
    if (plan.resetLog) {
      // an installed snapshot: the state machine will be restored from it, so its configuration applies
      dbs.meta.putSync(META.confState, encodeJson(plan.snapshot.confState));
      log = resetLog(dbs, log, plan.snapshot.index, plan.snapshot.term);
    }
  }
  log = appendEntries(dbs, log, plan.entries);
  if (wal.hardState !== undefined) {
    // Never lower the env's commit (its applied index may stand on it): keep the larger one, within the log.
    const commit = Math.min(Math.max(wal.hardState.commit, env.hardState.commit), log.lastIndex);
    dbs.meta.putSync(META.hardState, encodeJson({ ...wal.hardState, commit }));
  }
}

export function rebuild(dbs: StoreDbs, wal: WalState): void {
  const identity = dbs.meta.getBinary(META.identity);
  dbs.log.clearSync();
  dbs.records.clearSync();
  dbs.history.clearSync();
  dbs.meta.clearSync();
  if (identity !== undefined) dbs.meta.putSync(META.identity, identity);
  const snap = wal.snapshot ?? EMPTY_SNAPSHOT_META;
  dbs.meta.putSync(META.snapshotMeta, encodeJson(snap));
  dbs.meta.putSync(META.confState, encodeJson(snap.confState));
  const log = resetLog(dbs, { offsetIndex: 0, offsetTerm: 0, lastIndex: 0, runs: [] }, snap.index, snap.term);
  appendEntries(dbs, log, wal.entries);
  if (wal.hardState !== undefined) dbs.meta.putSync(META.hardState, encodeJson(wal.hardState));
}

export function seedFromEnv(dbs: StoreDbs, env: EnvRaftState): WalSeed {
  const from = Math.max(env.snapshot.index, env.log.offsetIndex) + 1;
  const entries = from <= env.log.lastIndex ? readEntries(dbs, env.log, from, env.log.lastIndex + 1, Number.POSITIVE_INFINITY) : [];
  return { snapshot: env.snapshot, hardState: env.hardState, entries };
}
