// The small fs helpers the durable writers share (wal.ts, snapshot-file.ts, env-trust.ts, open-store.ts,
// snapshot-copy.ts, local-snapshot.ts).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Makes the dir's entries (creations, renames, removals) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncDir on libuv's pool. */
export async function fsyncDirOffLoop(dir: string): Promise<void> {
  await syncHandle(dir, 'r', 'sync');
}

/** Makes a file's data durable (fdatasync), on libuv's pool. */
export async function fdatasyncFileOffLoop(path: string): Promise<void> {
  await syncHandle(path, 'r+', 'datasync');
}

async function syncHandle(path: string, flags: string, how: 'sync' | 'datasync'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle[how]();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at `position` (writeSync may write less than asked). */
export function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}
