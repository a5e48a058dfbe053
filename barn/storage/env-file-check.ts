// Whether a file can be an LMDB env's data file, looked at before lmdb-js opens it: lmdb-js opening a file that
// is not one (garbage, or overwritten) crashes the whole process with SIGSEGV instead of returning an error, so
// a damaged data dir or snapshot copy would kill the node with no word of what is wrong.
//
// The check is LMDB's own first one: page 0 is a meta page carrying MDB_MAGIC. An empty file is a new env (LMDB
// initialises it); a missing file is none. A file that passes may still be damaged further in.
import { closeSync, openSync, readSync } from 'node:fs';

/** MDB_MAGIC, stored little-endian in the meta record of page 0. */
const MDB_MAGIC = 0xbeefc0de;
/** Where that record starts: after the page header, 24 bytes in the LMDB build lmdb-js ships (its header holds
 * a transaction id), 16 in LMDB 0.9's. Either is accepted. */
const MAGIC_OFFSETS = [24, 16] as const;
const HEAD_BYTES = 32;

/** Why `file` cannot be an LMDB data file, or undefined when it may be one (or is empty, or does not exist). */
export function envFileProblem(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `cannot be read (${(e as Error).message})`;
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, head, 0, HEAD_BYTES, 0);
    if (read === 0) return undefined;
    if (read < HEAD_BYTES) return `is ${read} bytes long, shorter than an LMDB meta page`;
    if (MAGIC_OFFSETS.some((at) => head.readUInt32LE(at) === MDB_MAGIC)) return undefined;
    return 'does not begin with an LMDB meta page (no MDB_MAGIC in page 0): it is not an LMDB env, or it was overwritten';
  } finally {
    closeSync(fd);
  }
}
