// The binary encoding of a message batch on a peer stream (one frame = one batch; frames.ts). Cheaper than the
// JSON batch of codec.ts: entry bytes are copied as they are (no base64), numbers are fixed-width. Decoding
// checks every length and field against the bytes it has, so a truncated, malformed or hostile frame is refused
// as a whole (BARN_BAD_PEER_MESSAGE) before anything reaches Raft. Snapshots never travel here (they are
// posted on their own, codec.ts).
//
//   batch   := u8 version(=1) str clusterId str from u32 count message*
//   message := u8 type f64 term f64 logTerm f64 index f64 commit f64 rejectHint u8 reject str from str to
//              str context u32 entries entry*
//   entry   := f64 term f64 index u8 kind(0 normal, 1 conf-change) u32 length bytes
//   str     := u32 length UTF-8 bytes
// Numbers are IEEE-754 doubles holding safe integers (Raft indexes and terms), big-endian.
import { RuninkError } from '../../common/error.ts';
import type { Entry, Message, MessageType } from '../raft/types.ts';
import type { PeerBatch } from './codec.ts';

const VERSION = 1;

/** Wire numbers of the message types (append only: the index is the wire value). */
const TYPES: readonly MessageType[] = [
  'hup', 'beat', 'prop', 'app', 'app-resp', 'vote', 'vote-resp', 'pre-vote', 'pre-vote-resp', 'snap', 'heartbeat',
  'heartbeat-resp', 'unreachable', 'snap-status', 'check-quorum', 'transfer-leader', 'timeout-now', 'read-index',
  'read-index-resp',
];
const TYPE_CODE = new Map(TYPES.map((t, i) => [t, i]));
/** What a peer may send on a stream: no local-only types, and no `snap` (snapshots are posted on their own). */
const PEER_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'prop', 'app', 'app-resp', 'vote', 'vote-resp', 'pre-vote', 'pre-vote-resp', 'heartbeat', 'heartbeat-resp',
  'transfer-leader', 'timeout-now', 'read-index', 'read-index-resp',
]);

export function encodeBinaryBatch(batch: PeerBatch): Buffer {
  const w = new Writer(estimate(batch));
  w.u8(VERSION);
  w.str(batch.clusterId);
  w.str(batch.from);
  w.u32(batch.messages.length);
  for (const m of batch.messages) {
    if (m.snapshot !== undefined) throw new RuninkError('BARN_BAD_PEER_MESSAGE', 'a snapshot message cannot go on a peer stream');
    w.u8(TYPE_CODE.get(m.type)!);
    for (const n of [m.term, m.logTerm, m.index, m.commit, m.rejectHint]) w.f64(n);
    w.u8(m.reject ? 1 : 0);
    w.str(m.from);
    w.str(m.to);
    w.str(m.context);
    w.u32(m.entries.length);
    for (const e of m.entries) {
      w.f64(e.term);
      w.f64(e.index);
      w.u8(e.type === 'conf-change' ? 1 : 0);
      w.bytes(e.data);
    }
  }
  return w.done();
}

export function decodeBinaryBatch(buf: Buffer): PeerBatch {
  const r = new Reader(buf);
  if (r.u8() !== VERSION) throw bad('unknown batch version');
  const clusterId = r.str();
  const from = r.str();
  const count = r.u32();
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) {
    const m = readMessage(r);
    if (!PEER_TYPES.has(m.type)) throw bad(`message type ${m.type} never travels on a peer stream`);
    if (m.from !== from) throw bad(`a message from ${m.from} in a batch from ${from}`);
    messages.push(m);
  }
  if (!r.atEnd()) throw bad('trailing bytes after the batch');
  return { clusterId, from, messages };
}

function readMessage(r: Reader): Message {
  const type = TYPES[r.u8()];
  if (type === undefined) throw bad('unknown message type');
  const [term, logTerm, index, commit, rejectHint] = [r.int(), r.int(), r.int(), r.int(), r.int()];
  const reject = r.u8() === 1;
  const from = r.str();
  const to = r.str();
  const context = r.str();
  const n = r.u32();
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const eTerm = r.int();
    const eIndex = r.int();
    const kind = r.u8();
    if (kind > 1) throw bad('unknown entry type');
    entries.push({ term: eTerm, index: eIndex, type: kind === 1 ? 'conf-change' : 'normal', data: r.bytes() });
  }
  return { type, from, to, term, logTerm, index, commit, reject, rejectHint, context, entries };
}

function estimate(batch: PeerBatch): number {
  let n = 64;
  for (const m of batch.messages) {
    n += 96 + m.context.length * 3;
    for (const e of m.entries) n += 21 + e.data.byteLength;
  }
  return n;
}

class Writer {
  private buf: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.at = this.buf.writeUInt32BE(v, this.at);
  }

  f64(v: number): void {
    this.room(8);
    this.at = this.buf.writeDoubleBE(v, this.at);
  }

  str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.u32(n);
    this.room(n);
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.u32(b.byteLength);
    this.room(b.byteLength);
    this.buf.set(b, this.at);
    this.at += b.byteLength;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

class Reader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  u8(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.at);
    this.at += 8;
    if (!Number.isSafeInteger(v) || v < 0) throw bad('a number field is not a non-negative integer');
    return v;
  }

  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  /** A copy: entry data outlives the frame (it is stored in the log). */
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }

  atEnd(): boolean {
    return this.at === this.buf.length;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw bad('frame ends inside a field');
  }
}

function bad(message: string): RuninkError {
  return new RuninkError('BARN_BAD_PEER_MESSAGE', `malformed peer batch: ${message}`);
}
