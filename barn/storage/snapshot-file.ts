// The snapshot's bytes, kept as a file next to the LMDB env (as etcd keeps `.snap` files) instead of one large
// LMDB value: a value needs a contiguous run of overflow pages, so every new snapshot went to the end of the
// data file and the freed runs fragmented it, and the whole value was staged in memory to write it.
//
// Contract (the store's metadata decides which file is current):
//   1. writeSnapshotFile writes `snapshot-<index>.snap.tmp` front to back, fdatasyncs it, renames it to
//      `snapshot-<index>.snap` and fsyncs the dir: when it returns, the file is durable under its final name.
//   2. Only then does the store commit `snapshot-meta` (index ≥ this one) in a durable LMDB transaction.
//   3. After that commit (and when the store opens) every other snapshot file is removed.
// A crash between 1 and 2 leaves a file nobody points at (removed at the next open); a crash between 2 and 3
// leaves the previous snapshot's file (likewise). The file named by the committed metadata always exists.
import { closeSync, fdatasyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { fsyncDir, writeAll } from './fs-sync.ts';

/** What a snapshot producer writes into (barn/state/snapshot.ts SnapshotOutput has the same shape). */
export interface SnapshotFileOutput {
  append(bytes: Uint8Array): void;
  writeAt(position: number, bytes: Uint8Array): void;
}

const NAME = /^snapshot-(\d{20})\.snap(\.tmp)?$/;

export function snapshotFilePath(dir: string, index: number): string {
  return join(dir, `snapshot-${String(index).padStart(20, '0')}.snap`);
}

/** Step 1 of the contract: `produce` writes the bytes (synchronously); durable under the final name on return
 * unless `noSync`. On a throw the temporary file is removed and nothing else changes. */
export function writeSnapshotFile(dir: string, index: number, noSync: boolean, produce: (out: SnapshotFileOutput) => void): void {
  const path = snapshotFilePath(dir, index);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    let position = 0;
    produce({
      append: (bytes) => {
        writeAll(fd, bytes, position);
        position += bytes.byteLength;
      },
      writeAt: (at, bytes) => writeAll(fd, bytes, at),
    });
    if (!noSync) fdatasyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
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

/** Step 3: removes every snapshot file (and leftover temporary file) except the one at `keep`. */
export function removeOtherSnapshotFiles(dir: string, keep: number): void {
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (m === null) continue;
    if (m[2] === undefined && Number(m[1]) === keep) continue;
    rmSync(join(dir, name), { force: true });
  }
}

/** The bytes of the snapshot at `index` (> 0): its file, or in a dir written before snapshots moved to files,
 * what `legacy` finds in the env (kept there until the next snapshot). Throws CORRUPT when neither has them. */
export function readSnapshotBytes(dir: string, index: number, legacy: () => Buffer | undefined): Uint8Array {
  const file = readSnapshotFile(dir, index);
  if (file !== undefined) return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const old = legacy();
  if (old === undefined) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `the snapshot file for index ${index} is missing from ${dir}; restore it from a backup, or move the data dir away and let the node rejoin (it receives a snapshot from the leader)`, { index });
  }
  return new Uint8Array(old);
}
