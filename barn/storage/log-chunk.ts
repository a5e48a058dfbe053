// A run of consecutive Raft log entries stored as one value of the `log` table, under the first entry's index.
// One put per chunk instead of one per entry: a write-back of 450 entries makes 8 B-tree insertions, and log
// compaction deletes a chunk at a time (docs/barn-storage.md, "The log in chunks").
//
// Value (big-endian): [0] CHUNK_FORMAT = 2   [1..5) count u32   then per entry [len u32][entry, codec.ts format 1].
// A value whose first byte is 1 is a single entry as written before chunks (codec.ts): a chunk of one. Pure.
import type { Entry } from '../raft/types.ts';
import { decodeEntry, ENTRY_FORMAT, ENTRY_HEADER_BYTES, encodedEntrySize, writeEntry } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';

export const CHUNK_FORMAT = 2;
const CHUNK_HEADER_BYTES = 5;

/** A chunk holds at most this many entries and, past its first entry, this many bytes (a few LMDB pages). */
export const CHUNK_MAX_ENTRIES = 64;
export const CHUNK_MAX_BYTES = 32 * 1024;

/** Splits contiguous entries into chunks (each at least one entry) within the limits above. */
export function splitChunks(entries: readonly Entry[]): Entry[][] {
  const out: Entry[][] = [];
  let cur: Entry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = 4 + encodedEntrySize(e);
    if (cur.length > 0 && (cur.length >= CHUNK_MAX_ENTRIES || bytes + size > CHUNK_MAX_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export function encodeChunk(entries: readonly Entry[]): Buffer {
  let total = CHUNK_HEADER_BYTES;
  for (const e of entries) total += 4 + encodedEntrySize(e);
  const out = Buffer.allocUnsafe(total);
  out[0] = CHUNK_FORMAT;
  out.writeUInt32BE(entries.length, 1);
  let at = CHUNK_HEADER_BYTES;
  for (const e of entries) {
    const size = encodedEntrySize(e);
    out.writeUInt32BE(size, at);
    writeEntry(out, at + 4, e); // in place: no buffer per entry on the write-back's path
    at += 4 + size;
  }
  return out;
}

/** The number of entries a stored value holds; `key` is the index it is stored under. */
export function chunkCount(buf: Uint8Array, key: number): number {
  if (buf[0] === ENTRY_FORMAT) return 1;
  checkHeader(buf, key);
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32BE(1);
}

/** Calls `visit(raw, index)` for each entry of a stored value in order until it returns false; `raw` is the
 * entry's own encoding (codec.ts), a view into `buf`. Checks each entry's index (key + position). */
export function forEachRaw(buf: Uint8Array, key: number, visit: (raw: Uint8Array, index: number) => boolean): void {
  if (buf[0] === ENTRY_FORMAT) {
    visit(buf, key);
    return;
  }
  checkHeader(buf, key);
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = view.readUInt32BE(1);
  let at = CHUNK_HEADER_BYTES;
  for (let k = 0; k < count; k++) {
    if (at + 4 > view.length) throw truncated(key);
    const len = view.readUInt32BE(at);
    if (len < ENTRY_HEADER_BYTES || at + 4 + len > view.length) throw truncated(key);
    if (!visit(view.subarray(at + 4, at + 4 + len), key + k)) return;
    at += 4 + len;
  }
  if (at !== view.length) throw truncated(key);
}

/** The entries of a stored value with index in [lo, hi) (copies: LMDB may reuse `buf`). */
export function decodeChunk(buf: Uint8Array, key: number, lo = key, hi = Number.POSITIVE_INFINITY): Entry[] {
  const out: Entry[] = [];
  forEachRaw(buf, key, (raw, index) => {
    if (index >= hi) return false;
    if (index >= lo) out.push(decodeEntry(raw, index));
    return true;
  });
  return out;
}

function checkHeader(buf: Uint8Array, key: number): void {
  if (buf.byteLength < CHUNK_HEADER_BYTES || buf[0] !== CHUNK_FORMAT) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `log chunk ${key} has an unknown encoding`, { index: key });
  }
}

function truncated(key: number): Error {
  return storageError(STORAGE_ERRORS.CORRUPT, `log chunk ${key} is truncated or malformed`, { index: key });
}
