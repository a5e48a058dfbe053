// Opening a store: the dir lock, the WAL (its identity checked before anything is written), whether the env is
// trusted (env-trust.ts; a data.mdb that is not an LMDB file never is: env-file-check.ts), the env opened,
// removed and rebuilt, or caught up from the WAL (env-recovery.ts), and the WAL created from the env for a dir
// that has none.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfState } from '../raft/types.ts';
import { encodeJson } from './codec.ts';
import { acquireDirLock } from './dir-lock.ts';
import { envFileProblem } from './env-file-check.ts';
import { currentBootId, envTrusted, readEnvState, writeEnvState } from './env-trust.ts';
import { catchUp, planCatchUp, readEnvRaftState, rebuild, seedFromEnv } from './env-recovery.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, STORE_FORMAT, WriteGate, openEnv, type StoreDbs } from './lmdb-env.ts';
import { LmdbStore } from './lmdb-store.ts';
import { createWal, openWal, type OpenedWal, type Wal } from './wal.ts';
import { fsyncDir } from './fs-sync.ts';

export interface OpenStoreOptions {
  readonly clusterId: string;
  readonly nodeId: string;
  /** Skip fsync (tests and benchmarks only): a write survives a process crash but not a power loss. */
  readonly noSync?: boolean;
  /** The configuration of a fresh node (like MemoryStorage's constructor): recorded only when the store is
   * created, as the configuration of the empty snapshot at index 0. Ignored on reopen (the disk wins). */
  readonly initialConfState?: ConfState;
  /** The machine's boot id (default: the kernel's). Tests pass another one to act out a machine restart. */
  readonly bootId?: string;
  /** Preallocated size of a WAL segment (default wal.ts SEGMENT_BYTES). */
  readonly walSegmentBytes?: number;
  /** Write-back: commit() applies entries in memory and writes them to the env in batches (writeBack()), not in
   * a transaction per Ready. Default false. */
  readonly writeBack?: boolean;
  /** Write-back: how many records + events may wait in memory before commit() writes them (default
   * MAX_UNWRITTEN); asked at every commit. */
  readonly writeBackLimit?: () => number;
}

/** Opens (creating if needed) the store in `dir`. Throws CLUSTER_MISMATCH, leaving the dir untouched, when the
 * dir was created for another cluster or node id; LOCKED when another live process has it open. */
export function openStore(dir: string, opts: OpenStoreOptions): LmdbStore {
  if (!opts.clusterId || !opts.nodeId) {
    throw storageError(STORAGE_ERRORS.INVALID_OPTIONS, 'openStore needs a non-empty clusterId and nodeId', {
      clusterId: opts.clusterId,
      nodeId: opts.nodeId,
    });
  }
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(dir);
  let dbs: StoreDbs | undefined;
  let opened: OpenedWal | undefined;
  try {
    const identity = { format: STORE_FORMAT, clusterId: opts.clusterId, nodeId: opts.nodeId };
    const noSync = opts.noSync === true;
    const walOpts = { noSync, ...(opts.walSegmentBytes !== undefined && { segmentBytes: opts.walSegmentBytes }) };
    opened = openWal(dir, identity, walOpts); // checks the WAL's identity before anything is written
    const bootId = opts.bootId ?? currentBootId();
    const envState = readEnvState(dir);
    const hasEnv = existsSync(join(dir, 'data.mdb'));
    // No WAL and no env-state: an empty dir, or an env written durably before the WAL existed (trusted).
    const legacy = opened.wal === undefined && envState === undefined;
    // A data.mdb that is not an LMDB file would crash lmdb-js (env-file-check.ts): rebuilt from the WAL like a
    // torn env, or, where it is the only copy, refused.
    const damaged = hasEnv ? envFileProblem(join(dir, 'data.mdb')) : undefined;
    if (damaged !== undefined && legacy) {
      throw storageError(STORAGE_ERRORS.CORRUPT, `data dir ${dir}: data.mdb ${damaged}, and the dir has no write-ahead log to rebuild it from; restore it from a backup, or move the data dir away and let the node rejoin (it receives a snapshot from the leader)`, { dir });
    }
    const trusted = hasEnv && damaged === undefined && (legacy || envTrusted(envState, bootId));
    // Order matters at every step: a crash between any two must leave a dir the next open judges right.
    // 1. An untrusted env goes before env-state names this boot (which would make it trusted).
    if (!trusted) removeEnvFiles(dir, noSync);
    let wal: Wal;
    if (legacy && hasEnv) {
      // 2a. An old durable env seeds the WAL before env-state exists (until then it still counts as legacy;
      // after, a WAL without env-state means: rebuild from the WAL, which holds everything).
      dbs = openEnv(dir, identity, new Map()); // its identity is checked before any write
      wal = createWal(dir, identity, seedFromEnv(dbs, readEnvRaftState(dbs)), walOpts);
      writeEnvState(dir, { bootId, clean: false }, noSync);
    } else {
      // 2b. env-state is durable before the first env write of this boot.
      writeEnvState(dir, { bootId, clean: false }, noSync);
      dbs = openEnv(dir, identity, bootstrapMeta(opts.initialConfState));
      wal = reconcile(dir, identity, dbs, opened, trusted, walOpts);
    }
    return new LmdbStore(dir, opts, dbs, lock, wal, bootId);
  } catch (e) {
    if (dbs !== undefined) void dbs.root.close();
    void opened?.wal?.close();
    lock.release();
    throw e;
  }
}

/** The env made to agree with the WAL (or the WAL created from the env); returns the WAL to append to. */
function reconcile(dir: string, identity: { clusterId: string; nodeId: string }, dbs: StoreDbs, opened: OpenedWal, trusted: boolean, walOpts: { noSync: boolean; segmentBytes?: number }): Wal {
  const gate = new WriteGate(dbs.root);
  if (opened.wal === undefined || opened.state === undefined) {
    return createWal(dir, identity, seedFromEnv(dbs, readEnvRaftState(dbs)), walOpts);
  }
  const walState = opened.state;
  const env = trusted ? readEnvRaftState(dbs) : undefined;
  const plan = env === undefined ? undefined : planCatchUp(env, walState);
  gate.run(() => {
    if (env === undefined || plan === undefined) rebuild(dbs, walState);
    else catchUp(dbs, env, walState, plan);
  });
  return opened.wal;
}

function removeEnvFiles(dir: string, noSync: boolean): void {
  if (!existsSync(join(dir, 'data.mdb')) && !existsSync(join(dir, 'lock.mdb'))) return;
  rmSync(join(dir, 'data.mdb'), { force: true });
  rmSync(join(dir, 'lock.mdb'), { force: true });
  if (!noSync) fsyncDir(dir);
}


function bootstrapMeta(confState: ConfState | undefined): Map<string, Buffer> {
  const meta = new Map<string, Buffer>();
  if (confState !== undefined) {
    meta.set(META.snapshotMeta, encodeJson({ index: 0, term: 0, confState }));
    meta.set(META.confState, encodeJson(confState));
  }
  return meta;
}
