// On-disk encodings of barn/storage. Pure functions, no LMDB.
//
// Log entry value (format 1), big-endian:
//   [0] format = 1   [1] type (0 normal, 1 conf-change)   [2..10) term u64   [10..18) index u64   [18..) data
// The index is stored in the value as well as in the key so a value found under the wrong key is detected
// as corruption instead of silently served. Integers are JS safe integers (< 2^53) stored as u64.
// Small metadata records (hard state, snapshot metadata, identity) are UTF-8 JSON: they are written rarely
// and are worth being readable with `mdb_dump`.
import type { Entry, EntryType } from '../raft/types.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';

export const ENTRY_FORMAT = 1;
export const ENTRY_HEADER_BYTES = 18;

const TYPE_CODES: Record<EntryType, number> = { normal: 0, 'conf-change': 1 };
const CODE_TYPES: readonly EntryType[] = ['normal', 'conf-change'];
const TWO_32 = 0x1_0000_0000;

/** Bytes of an entry's stored value. (RaftStorage.entries limits by payload bytes instead, see lmdb-log.ts.) */
export function encodedEntrySize(entry: Entry): number {
  return ENTRY_HEADER_BYTES + entry.data.byteLength;
}

export function encodeEntry(entry: Entry): Buffer {
  const out = Buffer.allocUnsafe(encodedEntrySize(entry));
  writeEntry(out, 0, entry);
  return out;
}

/** Writes the entry's stored value (encodedEntrySize bytes) into `out` at `at`. */
export function writeEntry(out: Buffer, at: number, entry: Entry): void {
  out[at] = ENTRY_FORMAT;
  out[at + 1] = TYPE_CODES[entry.type];
  writeU64(out, at + 2, entry.term);
  writeU64(out, at + 10, entry.index);
  out.set(entry.data, at + ENTRY_HEADER_BYTES);
}

/** Decodes a stored entry; `expectedIndex` is the key it was found under. The data is copied (the input
 * buffer may be reused by LMDB). */
export function decodeEntry(buf: Uint8Array, expectedIndex: number): Entry {
  if (buf.byteLength < ENTRY_HEADER_BYTES || buf[0] !== ENTRY_FORMAT) {
    throw corrupt(`log entry ${expectedIndex} has an unknown encoding`, { index: expectedIndex });
  }
  const type = CODE_TYPES[buf[1] ?? 255];
  const term = readU64(buf, 2);
  const index = readU64(buf, 10);
  if (type === undefined || index !== expectedIndex) {
    throw corrupt(`log entry under key ${expectedIndex} is malformed (index ${index})`, { index: expectedIndex });
  }
  return { term, index, type, data: new Uint8Array(buf.subarray(ENTRY_HEADER_BYTES)) };
}

/** Reads only the term of a stored entry (no copy of the data). */
export function decodeEntryTerm(buf: Uint8Array, expectedIndex: number): number {
  if (buf.byteLength < ENTRY_HEADER_BYTES || buf[0] !== ENTRY_FORMAT) {
    throw corrupt(`log entry ${expectedIndex} has an unknown encoding`, { index: expectedIndex });
  }
  return readU64(buf, 2);
}

/** 8-byte big-endian key: byte order equals numeric order, which LMDB's default comparator relies on. */
export function u64Key(n: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  writeU64(out, 0, n);
  return out;
}

export function readU64Key(buf: Uint8Array): number {
  return readU64(buf, 0);
}

// Byte arithmetic instead of a DataView per call: these run several times per entry on the write path.
export function writeU64(buf: Uint8Array, offset: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a storable integer: ${n}`);
  if (offset < 0 || offset + 8 > buf.length) throw new RangeError(`offset ${offset} is outside the buffer`);
  writeU32(buf, offset, Math.floor(n / TWO_32));
  writeU32(buf, offset + 4, n >>> 0);
}

export function readU64(buf: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 8 > buf.length) throw new RangeError(`offset ${offset} is outside the buffer`);
  const n = readU32(buf, offset) * TWO_32 + readU32(buf, offset + 4);
  if (!Number.isSafeInteger(n)) throw corrupt(`stored integer out of range at offset ${offset}`, {});
  return n;
}

function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

function readU32(buf: Uint8Array, at: number): number {
  return (buf[at] as number) * 0x100_0000 + (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number));
}

export function encodeU64(n: number): Buffer {
  return u64Key(n);
}

export function decodeU64(buf: Uint8Array | undefined, fallback: number): number {
  if (buf === undefined) return fallback;
  if (buf.byteLength !== 8) throw corrupt('stored counter has the wrong size', { size: buf.byteLength });
  return readU64(buf, 0);
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function decodeJson<T>(buf: Uint8Array, what: string): T {
  try {
    return JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8')) as T;
  } catch (e) {
    throw corrupt(`stored ${what} is not valid JSON`, { what }, e);
  }
}

function corrupt(message: string, data: Record<string, unknown>, cause?: unknown): Error {
  return storageError(STORAGE_ERRORS.CORRUPT, message, data, cause);
}
