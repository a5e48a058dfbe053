// The snapshot's bytes, kept as a file next to the LMDB env (as etcd keeps `.snap` files) instead of one large
// LMDB value: a value needs a contiguous run of overflow pages, so every new snapshot went to the end of the
// data file and the freed runs fragmented it, and the whole value was staged in memory to write it.
//
// Contract (the store's metadata decides which file is current):
//   1. writeSnapshotFile writes `snapshot-<index>.snap.tmp` front to back, fdatasyncs it, renames it to
//      `snapshot-<index>.snap` and fsyncs the dir: when it returns, the file is durable under its final name.
//   2. Only then does the store commit `snapshot-meta` (index ≥ this one) in a durable LMDB transaction.
//   3. After that commit (and when the store opens) every other snapshot file is removed, except the files of a
//      local snapshot still being written (local-snapshot.ts), which its own finish or abandonment settles.
// A crash between 1 and 2 leaves a file nobody points at (removed at the next open); a crash between 2 and 3
// leaves the previous snapshot's file (likewise). The file named by the committed metadata always exists.
//
// A local snapshot is instead a copy of the LMDB env, `snapshot-<index>.lmdb/data.mdb` (snapshot-copy.ts), made
// under the fixed temporary name `snapshot-local.lmdb.tmp/` and renamed once its index is known; the same
// contract holds for it. The store reads whichever of the two forms exists at the current index.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { fsyncDir, writeAll } from './fs-sync.ts';

/** What a snapshot producer writes into (barn/state/snapshot.ts SnapshotOutput has the same shape). */
export interface SnapshotFileOutput {
  append(bytes: Uint8Array): void;
  writeAt(position: number, bytes: Uint8Array): void;
}

/** A snapshot file or env copy; with a suffix, one being written (`.tmp`) or being deleted (`.del-…`). */
const NAME = /^snapshot-(\d{20})\.(snap|lmdb)(\.tmp|\.del-[\d-]+)?$/;
/** The local snapshot's copy being made, or being deleted. */
const LOCAL = /^snapshot-local\.lmdb\.tmp(\.del-[\d-]+)?$/;

/** The temporary directory a local snapshot's env copy is made in (one local snapshot at a time). */
export const LOCAL_COPY_TMP = 'snapshot-local.lmdb.tmp';

export function snapshotFilePath(dir: string, index: number): string {
  return join(dir, `snapshot-${String(index).padStart(20, '0')}.snap`);
}

/** The directory of a local snapshot made as a copy of the env (its `data.mdb`). */
export function snapshotCopyPath(dir: string, index: number): string {
  return join(dir, `snapshot-${String(index).padStart(20, '0')}.lmdb`);
}

/** Step 1 of the contract: `produce` writes the bytes (synchronously); durable under the final name on return
 * unless `noSync`. On a throw the temporary file is removed and nothing else changes. */
export function writeSnapshotFile(dir: string, index: number, noSync: boolean, produce: (out: SnapshotFileOutput) => void): void {
  const file = openTemporary(dir, index);
  try {
    produce(fileOutput(file.fd));
    if (!noSync) fdatasyncSync(file.fd);
  } catch (e) {
    discard(file);
    throw e;
  }
  publish(file, dir, noSync);
}

interface TemporaryFile {
  readonly fd: number;
  readonly tmp: string;
  readonly path: string;
}

function openTemporary(dir: string, index: number): TemporaryFile {
  const path = snapshotFilePath(dir, index);
  const tmp = `${path}.tmp`;
  return { fd: openSync(tmp, 'w', 0o600), tmp, path };
}

function fileOutput(fd: number): SnapshotFileOutput {
  let position = 0;
  return {
    append: (bytes) => {
      writeAll(fd, bytes, position);
      position += bytes.byteLength;
    },
    writeAt: (at, bytes) => writeAll(fd, bytes, at),
  };
}

function discard(file: TemporaryFile): void {
  closeSync(file.fd);
  rmSync(file.tmp, { force: true });
}

function publish(file: TemporaryFile, dir: string, noSync: boolean): void {
  closeSync(file.fd);
  renameSync(file.tmp, file.path);
  if (!noSync) fsyncDir(dir);
}

/** The bytes of the snapshot at `index`, or undefined when there is no such file. */
export function readSnapshotFile(dir: string, index: number): Buffer | undefined {
  try {
    return readFileSync(snapshotFilePath(dir, index));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Step 3: removes every snapshot file or env copy (and leftover temporary one) except those at `keep`, and
 * the names in `spare`: a local snapshot still being made or not yet recorded (its owner settles them). Env
 * copies are tens of MB (unlinking 39 MB took 18 ms): they are renamed out of the way now and deleted on
 * libuv's pool; the promise settles when they are gone (it never rejects: what is left is removed at the next
 * open). */
export function removeOtherSnapshotFiles(dir: string, keep: number, spare: readonly string[] = []): Promise<void> {
  const later: Promise<void>[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    const local = LOCAL.exec(name);
    if (m === null && local === null) continue;
    if ((m !== null && m[3] === undefined && Number(m[1]) === keep) || spare.includes(name)) continue;
    const big = (m !== null && m[2] === 'lmdb' && m[3] !== '.tmp') || local?.[1] !== undefined; // a copy, or one being deleted
    if (big) later.push(discardLater(join(dir, name)));
    else rmSync(join(dir, name), { recursive: true, force: true });
  }
  return Promise.all(later).then(() => undefined);
}

let discarded = 0;

/** Renames `path` (a snapshot file or env copy) to a `.del-…` name at once, so its name is free again, and
 * deletes it on libuv's pool. Never rejects; a rename that fails falls back to deleting it here. */
export function discardLater(path: string): Promise<void> {
  const trash = `${path}.del-${Date.now()}-${++discarded}`;
  try {
    renameSync(path, trash);
  } catch {
    rmSync(path, { recursive: true, force: true });
    return Promise.resolve();
  }
  return rm(trash, { recursive: true, force: true }).catch(() => undefined);
}

/** The bytes of the snapshot at `index` (> 0): its file; else its env copy, encoded by `fromCopy`; else, in a
 * dir written before snapshots moved to files, what `legacy` finds in the env (kept there until the next
 * snapshot). Throws CORRUPT when none has them. */
export function readSnapshotBytes(dir: string, index: number, fromCopy: (path: string) => Uint8Array, legacy: () => Buffer | undefined): Uint8Array {
  const file = readSnapshotFile(dir, index);
  if (file !== undefined) return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const copy = snapshotCopyPath(dir, index);
  if (existsSync(copy)) return fromCopy(copy);
  const old = legacy();
  if (old === undefined) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `the snapshot file for index ${index} is missing from ${dir}; restore it from a backup, or move the data dir away and let the node rejoin (it receives a snapshot from the leader)`, { index });
  }
  return new Uint8Array(old);
}
