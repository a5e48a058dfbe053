// A local snapshot as a copy of the LMDB env. The env already is the state machine at its applied index, so a
// snapshot needs no reading and encoding of every record and event on the event loop (146–320 ms per snapshot on
// each member, docs/performance.md): LMDB copies the env itself (mdb_env_copy2 with MDB_CP_COMPACT, lmdb-js
// `backup`), in C on libuv's pool, from one read transaction: whatever state the env held when the copy began.
// That state's applied index is read back from the copy, so the snapshot's index is exact even when a write-back
// committed between the caller's and the copy's start.
//
// The copy holds the whole env: records, history, counters, configuration and also the Raft log, which the
// snapshot does not need (a larger file than the encoded form). Raft's snapshot bytes stay the NDJSON of
// barn/state/snapshot.ts: a follower is sent, and a restore reads, the copy encoded on demand (encodeEnvCopy).
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import type { ConfState, SnapshotMetadata } from '../raft/types.ts';
import { encodeSnapshot, type EventJsonReader } from '../state/snapshot.ts';
import { decodeJson, decodeU64 } from './codec.ts';
import { fdatasyncFileOffLoop } from './fs-sync.ts';
import { META, WriteGate, openEnvCopy, type StoreDbs } from './lmdb-env.ts';
import { LmdbKvReader } from './lmdb-kv-tables.ts';
import { EMPTY_SNAPSHOT_META } from './store-checks.ts';

/** What a copy holds: the state machine at `index`, under the configuration as of it. */
export interface CopiedState {
  readonly index: number;
  readonly confState: ConfState;
}

/** Copies the env into the (new, empty) directory `into` as `data.mdb`, compacted, off the event loop; durable
 * unless `noSync`. The env must stay open until this settles. On a rejection `into` is removed. */
export async function copyEnv(root: RootDatabase, into: string, noSync: boolean): Promise<void> {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into);
  try {
    await root.backup(into, true);
    if (!noSync) await fdatasyncFileOffLoop(join(into, 'data.mdb'));
  } catch (e) {
    rmSync(into, { recursive: true, force: true });
    throw e;
  }
}

/** Bytes of a copy's head and tail that `readCopiedState` reads (see `cacheCopyIndexPages`). */
const COPY_HEAD_BYTES = 8 * 1024;
const COPY_TAIL_BYTES = 64 * 1024;

/** Reads the pages `readCopiedState` looks at into the page cache, on libuv's pool, so that its read on the event
 * loop does not wait for the disk. LMDB writes a copy with O_DIRECT, so none of it is cached: the lookup's page
 * faults were disk reads, ~5 of the ~7 ms a read took on the loop (docs/performance.md, stop 15). A compacting
 * copy writes the two meta pages first and then the trees depth-first, the named databases in name order
 * (`meta` last) and the main database's root as the last page: the file's head and its tail hold every page
 * the read needs (a bigger `meta` table only makes the read fault in the rest itself). Best effort: never
 * rejects, and changes nothing. */
export async function cacheCopyIndexPages(path: string): Promise<void> {
  try {
    const file = await open(join(path, 'data.mdb'), 'r');
    try {
      const { size } = await file.stat();
      const buf = Buffer.allocUnsafe(Math.max(COPY_HEAD_BYTES, COPY_TAIL_BYTES));
      await file.read(buf, 0, Math.min(COPY_HEAD_BYTES, size), 0);
      const tail = Math.max(COPY_HEAD_BYTES, size - COPY_TAIL_BYTES);
      if (tail < size) await file.read(buf, 0, size - tail, tail);
    } finally {
      await file.close();
    }
  } catch {
    // readCopiedState reads the file itself, and reports what is wrong with it
  }
}

/** The applied index and configuration of the copy at `path` (its own `meta`). */
export function readCopiedState(path: string): CopiedState {
  return withCopy(path, (dbs) => {
    const index = decodeU64(dbs.meta.getBinary(META.kvApplied), 0);
    const conf = dbs.meta.getBinary(META.confState);
    if (conf !== undefined) return { index, confState: decodeJson<ConfState>(conf, 'conf state') };
    const snap = dbs.meta.getBinary(META.snapshotMeta); // as LmdbStore.initialState: else the snapshot's
    return { index, confState: snap === undefined ? EMPTY_SNAPSHOT_META.confState : decodeJson<SnapshotMetadata>(snap, 'snapshot metadata').confState };
  });
}

/** The copy's state machine encoded as Raft's snapshot bytes (barn/state/snapshot.ts encodeSnapshot). */
export function encodeEnvCopy(path: string): Uint8Array {
  return withCopy(path, (dbs) => encodeSnapshot(new EnvCopyReader(dbs, new WriteGate(dbs.root))));
}

function withCopy<T>(path: string, read: (dbs: StoreDbs) => T): T {
  const dbs = openEnvCopy(path);
  try {
    return read(dbs);
  } finally {
    void dbs.root.close();
  }
}

/** A copy has no write-back layers: its history table's values are the events' JSON as stored (lmdb-kv.ts). */
class EnvCopyReader extends LmdbKvReader implements EventJsonReader {
  eventJson(fromRevision: number, limit: number): { revision: number; json: Uint8Array }[] {
    this.check();
    return this.base.rawEvents(fromRevision, limit);
  }
}
