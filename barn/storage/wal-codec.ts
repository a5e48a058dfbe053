// Record framing of the write-ahead log (wal.ts). Pure functions, no I/O.
//
// A segment file is a sequence of frames, big-endian:
//   [0..4) payload length (u32, > 0)   [4..8) CRC-32 of the payload   [8..8+length) payload
// and then zeros (the file is preallocated): a length of 0 ends the segment. The payload's first byte is the
// record type; the rest is its body:
//   1 header       UTF-8 JSON WalHeader (always the segment's first record)
//   2 entries      u32 count, then per entry u32 size + the entry as the log table stores it (codec.ts)
//   3 hard-state   UTF-8 JSON HardState
//   4 snapshot     UTF-8 JSON SnapshotMetadata (the snapshot's bytes are in snapshot-<index>.snap)
// A frame that is cut short, has a bad CRC or an unknown type is where a crash tore the tail: decodeFrames stops
// there and reports the offset of the end of the last good frame.
import { crc32 } from 'node:zlib';
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.ts';
import { decodeEntry, encodeEntry } from './codec.ts';

export interface WalHeader {
  readonly format: 1;
  readonly clusterId: string;
  readonly nodeId: string;
  /** The segment's sequence number (also in its file name). */
  readonly seq: number;
}

export type WalRecord =
  | { readonly type: 'header'; readonly header: WalHeader }
  | { readonly type: 'entries'; readonly entries: readonly Entry[] }
  | { readonly type: 'hard-state'; readonly hardState: HardState }
  | { readonly type: 'snapshot'; readonly metadata: SnapshotMetadata };

export const FRAME_HEADER_BYTES = 8;

const TYPE_CODES = { header: 1, entries: 2, 'hard-state': 3, snapshot: 4 } as const;

/** The frames of `records`, concatenated: one buffer, written with one write. */
export function encodeRecords(records: readonly WalRecord[]): Buffer {
  return joinFrames(records.map(encodeFrame));
}

/** Frames as one buffer (the frame itself when there is one: no copy). */
export function joinFrames(frames: readonly Buffer[]): Buffer {
  return frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
}

/** One record's frame. */
export function encodeFrame(record: WalRecord): Buffer {
  const payload = encodePayload(record);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

function encodePayload(record: WalRecord): Buffer {
  switch (record.type) {
    case 'header':
      return withType(TYPE_CODES.header, Buffer.from(JSON.stringify(record.header), 'utf8'));
    case 'hard-state':
      return withType(TYPE_CODES['hard-state'], Buffer.from(JSON.stringify(record.hardState), 'utf8'));
    case 'snapshot':
      return withType(TYPE_CODES.snapshot, Buffer.from(JSON.stringify(record.metadata), 'utf8'));
    case 'entries': {
      const encoded = record.entries.map(encodeEntry);
      const size = 1 + 4 + encoded.reduce((n, e) => n + 4 + e.length, 0);
      const out = Buffer.allocUnsafe(size);
      out[0] = TYPE_CODES.entries;
      out.writeUInt32BE(encoded.length, 1);
      let at = 5;
      for (const e of encoded) {
        out.writeUInt32BE(e.length, at);
        e.copy(out, at + 4);
        at += 4 + e.length;
      }
      return out;
    }
  }
}

function withType(code: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + body.length);
  out[0] = code;
  body.copy(out, 1);
  return out;
}

export interface DecodedFrames {
  readonly records: WalRecord[];
  /** The offset of each record's frame (parallel to `records`). */
  readonly starts: number[];
  /** Offset just past the last good frame: where the next append goes. */
  readonly end: number;
  /** Bytes from `end` that looked like the start of a frame but were not a good one (0 when the segment ended
   * cleanly with a zero length or at the end of the buffer). */
  readonly tornBytes: number;
}

/** Decodes frames from the start of `buf` until a zero length, the end of `buf`, or the first bad frame. */
export function decodeFrames(buf: Buffer): DecodedFrames {
  const records: WalRecord[] = [];
  const starts: number[] = [];
  let at = 0;
  while (at + FRAME_HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32BE(at);
    if (length === 0) return { records, starts, end: at, tornBytes: 0 };
    const start = at + FRAME_HEADER_BYTES;
    if (start + length > buf.length) return torn(records, starts, at, buf);
    const payload = buf.subarray(start, start + length);
    if (crc32(payload) !== buf.readUInt32BE(at + 4)) return torn(records, starts, at, buf);
    const record = decodePayload(payload);
    if (record === undefined) return torn(records, starts, at, buf);
    records.push(record);
    starts.push(at);
    at = start + length;
  }
  // Fewer than a frame header's bytes left: a clean end when they are all zeros (the preallocated rest of the
  // segment), a torn frame header otherwise.
  return buf.subarray(at).every((b) => b === 0) ? { records, starts, end: at, tornBytes: 0 } : torn(records, starts, at, buf);
}

function torn(records: WalRecord[], starts: number[], at: number, buf: Buffer): DecodedFrames {
  let last = buf.length;
  while (last > at && buf[last - 1] === 0) last--;
  return { records, starts, end: at, tornBytes: Math.max(last - at, 1) };
}

/** undefined for a payload with a good CRC that still does not decode (an unknown type or a bad body). */
function decodePayload(payload: Buffer): WalRecord | undefined {
  const body = payload.subarray(1);
  try {
    switch (payload[0]) {
      case TYPE_CODES.header:
        return { type: 'header', header: JSON.parse(body.toString('utf8')) as WalHeader };
      case TYPE_CODES['hard-state']:
        return { type: 'hard-state', hardState: JSON.parse(body.toString('utf8')) as HardState };
      case TYPE_CODES.snapshot:
        return { type: 'snapshot', metadata: JSON.parse(body.toString('utf8')) as SnapshotMetadata };
      case TYPE_CODES.entries:
        return { type: 'entries', entries: decodeEntries(body) };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function decodeEntries(body: Buffer): Entry[] {
  const count = body.readUInt32BE(0);
  const out: Entry[] = [];
  let at = 4;
  for (let k = 0; k < count; k++) {
    const size = body.readUInt32BE(at);
    const bytes = body.subarray(at + 4, at + 4 + size);
    if (bytes.length !== size) throw new RangeError('entry cut short');
    out.push(decodeEntry(bytes, bytes.length >= 18 ? Number(bytes.readBigUInt64BE(10)) : -1));
    at += 4 + size;
  }
  if (at !== body.length) throw new RangeError('trailing bytes after the entries');
  return out;
}
