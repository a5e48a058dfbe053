// The LMDB environment of one Barn node: one env per data dir, five named databases, the cluster identity
// check, and the single write gate every mutation goes through. This file owns all lmdb `open` options.
//
// Durability: the env is opened with MDB_NOSYNC and never flushes on commit: the write-ahead log (wal.ts) is
// what makes a Barn node's state durable, and the env is trusted or rebuilt from it at open (env-trust.ts).
// Every write is one `transactionSync`: when it returns the change is visible and survives a process crash (the
// page cache has it); when it throws, nothing of it is visible. syncEnv flushes the env whole (clean close).
//
// Writes go straight into the map (MDB_WRITEMAP): a commit then has no dirty pages to copy out with pwrite
// (a write-back of ~2,000 puts and deletes: 4.0 instead of 6.1 ms, the commit 0.12 instead of 0.98 ms;
// docs/barn-storage.md). LMDB extends data.mdb to MAP_SIZE when it opens it: the file is sparse, its blocks are
// only the pages written. Committed pages are never overwritten in place, so a process crash mid-transaction
// leaves the last commit whole, as without the flag. A full disk is met as SIGBUS when a page of the hole is
// first written (the node stops; the WAL, preallocated, still holds everything: restart when there is room).
//
// Memory: the env is mapped once at MAP_SIZE (address space only). lmdb-js otherwise starts with a 128 KB map
// and, each time the file outgrows it, maps the file again at twice the size WITHOUT unmapping the old maps (they
// stay for lingering readers until the env closes); every old map keeps the pages read through it resident, so
// RssFile grew to ~1.75× the file in the 1,000,000-write soak (docs/performance.md). Past MAP_SIZE lmdb-js still
// grows the map the same way.
import { open } from 'lmdb';
import type { Database, RootDatabase, TransactionFlags } from 'lmdb';
import { join } from 'node:path';
import { decodeJson, encodeJson } from './codec.ts';
import { envFileProblem } from './env-file-check.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';

export const STORE_FORMAT = 1;

/** Initial size of the env's memory map (and of LMDB's mapsize): 8 GiB of address space, far above a bounded
 * Barn data dir (~100 MB after 1,000,000 writes). Not a limit: lmdb-js grows the map beyond it. */
export const MAP_SIZE = 8 * 1024 ** 3;

/** Keys of the `meta` database. */
export const META = {
  identity: 'identity',
  hardState: 'hard-state',
  logOffset: 'log-offset',
  snapshotMeta: 'snapshot-meta',
  /** The snapshot's bytes in dirs written before snapshots moved to files (snapshot-file.ts); read if no file. */
  snapshotData: 'snapshot-data',
  confState: 'conf-state',
  kvRevision: 'kv-revision',
  kvApplied: 'kv-applied',
  kvCompacted: 'kv-compacted',
} as const;

export interface StoreDbs {
  readonly root: RootDatabase;
  /** u64 BE index → encoded entry (codec.ts). Holds exactly the entries (offset, lastIndex]. */
  readonly log: Database<Buffer, Buffer>;
  /** string → JSON or u64 bytes (see META). */
  readonly meta: Database<Buffer, string>;
  /** 0x01 + UTF-8 key → JSON [createRevision, modRevision, version, value]. */
  readonly records: Database<Buffer, Buffer>;
  /** u64 BE revision + u32 BE sequence → JSON KvEvent. */
  readonly history: Database<Buffer, Buffer>;
}

export interface StoreIdentity {
  readonly format: number;
  readonly clusterId: string;
  readonly nodeId: string;
}

/** Opens (or creates) the env at `dir` and checks that it belongs to `identity`'s cluster and node. On a
 * mismatch it closes the env and throws CLUSTER_MISMATCH before any write: nothing on disk changes. A fresh env
 * records the identity and `initialMeta` (e.g. a bootstrap configuration) in one transaction. */
export function openEnv(dir: string, identity: StoreIdentity, initialMeta: ReadonlyMap<string, Buffer> = new Map()): StoreDbs {
  const root = open(dir, { maxDbs: 8, overlappingSync: false, noSync: true, cache: false, mapSize: MAP_SIZE, useWritemap: true });
  try {
    checkIdentity(dir, root, identity);
    const dbs = openDbs(root);
    if (dbs.meta.getBinary(META.identity) === undefined) {
      // A fresh env (or one whose first open crashed before this point, when nothing else was written yet).
      root.transactionSync(() => {
        for (const [key, value] of initialMeta) dbs.meta.putSync(key, value);
        dbs.meta.putSync(META.identity, encodeJson(identity));
      });
    }
    return dbs;
  } catch (e) {
    void root.close();
    throw e;
  }
}

function openDbs(root: RootDatabase): StoreDbs {
  const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
  return {
    root,
    log: root.openDB<Buffer, Buffer>('log', binary),
    meta: root.openDB<Buffer, string>('meta', { encoding: 'binary' }),
    records: root.openDB<Buffer, Buffer>('kv-records', binary),
    history: root.openDB<Buffer, Buffer>('kv-history', binary),
  };
}

/** Opens a copy of an env (a local snapshot, snapshot-copy.ts) read-only. The caller closes `root`. */
export function openEnvCopy(path: string): StoreDbs {
  const problem = envFileProblem(join(path, 'data.mdb'));
  if (problem !== undefined) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `the snapshot copy ${join(path, 'data.mdb')} ${problem}; restore the data dir from a backup, or move it away and let the node rejoin (it receives a snapshot from the leader)`, { path });
  }
  const root = open(path, { maxDbs: 8, readOnly: true, noSync: true, cache: false, noSubdir: false }); // the name's '.lmdb' would mean a file
  try {
    return openDbs(root);
  } catch (e) {
    void root.close();
    throw e;
  }
}

function checkIdentity(dir: string, root: RootDatabase, want: StoreIdentity): void {
  // openDB with create:false returns undefined (instead of creating it) when the database does not exist.
  const probe = { encoding: 'binary' as const, create: false }; // `create` is missing from lmdb's typings
  const meta = root.openDB<Buffer, string>('meta', probe) as Database<Buffer, string> | undefined;
  const raw = meta?.getBinary(META.identity);
  if (raw === undefined) return;
  const have = decodeJson<StoreIdentity>(raw, 'identity');
  if (have.format !== STORE_FORMAT) {
    throw storageError(
      STORAGE_ERRORS.FORMAT_UNSUPPORTED,
      `data dir ${dir} uses store format ${have.format}; this Runink reads format ${STORE_FORMAT}`,
      { dir, format: have.format, supported: STORE_FORMAT },
    );
  }
  if (have.clusterId !== want.clusterId || have.nodeId !== want.nodeId) {
    throw storageError(
      STORAGE_ERRORS.CLUSTER_MISMATCH,
      `data dir ${dir} belongs to cluster "${have.clusterId}" as node "${have.nodeId}", ` +
        `not cluster "${want.clusterId}" as node "${want.nodeId}". Nothing was changed. ` +
        `Start this node with --data-dir pointing at its own directory, or move ${dir} away to join ` +
        `"${want.clusterId}" with an empty one.`,
      { dir, clusterId: have.clusterId, nodeId: have.nodeId, wantClusterId: want.clusterId, wantNodeId: want.nodeId },
    );
  }
}

/** Flushes every committed write of the env to disk (mdb_env_sync, forced), off the event loop. */
export function syncEnv(root: RootDatabase, noSync: boolean): Promise<void> {
  if (noSync) return Promise.resolve();
  return new Promise((resolve, reject) => {
    (root as unknown as { sync(cb: (err?: Error) => void): void }).sync((err) => (err ? reject(err) : resolve()));
  });
}

/** lmdb-js transactionSync flags: TXN_ABORTABLE | TXN_SYNCHRONOUS_COMMIT (the env's MDB_NOSYNC still applies). */
const TXN_FLAGS = 3 as TransactionFlags;

/** Serialises the store's writes: one LMDB write transaction at a time, never nested, never async. */
export class WriteGate {
  /** Bumped whenever a write transaction ends (committed or not): readers may cache what they read until then. */
  generation = 0;
  private active = false;
  private closed = false;

  constructor(private readonly root: RootDatabase) {}

  /** Runs fn in one write transaction: all of fn's writes commit together when it returns, none when it throws. */
  run<T>(fn: () => T): T {
    this.assertOpen();
    if (this.active) {
      throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'a write transaction is already running on this store');
    }
    this.active = true;
    try {
      return this.root.transactionSync(() => {
        const result = fn();
        if (isThenable(result)) {
          throw storageError(STORAGE_ERRORS.ASYNC_WRITE, 'a store write callback must be synchronous (it returned a promise)');
        }
        return result;
      }, TXN_FLAGS);
    } finally {
      this.active = false;
      this.generation++;
    }
  }

  assertOpen(): void {
    if (this.closed) throw storageError(STORAGE_ERRORS.CLOSED, 'the store is closed');
  }

  /** A write transaction is running (reads on this thread see its changes). */
  get writing(): boolean {
    return this.active;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    this.closed = true;
  }
}

export function isThenable(x: unknown): boolean {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}
