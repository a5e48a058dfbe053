// The two small fs helpers the durable writers share (wal.ts, snapshot-file.ts, env-trust.ts, open-store.ts).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Makes the dir's entries (creations, renames, removals) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `bytes` at `position` (writeSync may write less than asked). */
export function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}
