import assert from 'node:assert/strict';
import test from 'node:test';
import { crc32 } from 'node:zlib';
import { seededRng } from '../../common/rng.ts';
import type { ConfState, Entry } from '../raft/types.ts';
import { decodeFrames, encodeRecords, FRAME_HEADER_BYTES, type WalRecord } from './wal-codec.ts';

const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: ['n4'], votersOutgoing: [], learnersNext: [], autoLeave: false };

function ent(index: number, term: number, text = `e${index}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(text) };
}

const HEADER: WalRecord = { type: 'header', header: { format: 1, clusterId: 'c-test', nodeId: 'n1', seq: 7 } };
const HARD: WalRecord = { type: 'hard-state', hardState: { term: 3, vote: 'n2', commit: 5 } };
const SNAP: WalRecord = { type: 'snapshot', metadata: { index: 4, term: 2, confState: CONF } };
const MANY: WalRecord = {
  type: 'entries',
  entries: [
    { index: 5, term: 2, type: 'normal', data: new Uint8Array(0) },
    { index: 6, term: 3, type: 'conf-change', data: new Uint8Array([1, 2, 3]) },
    { index: 7, term: 3, type: 'normal', data: new Uint8Array(1000).fill(9) },
  ],
};

/** A valid buffer of several records and the records it holds. */
function sample(): { records: WalRecord[]; buf: Buffer; ends: number[] } {
  const records: WalRecord[] = [HEADER, SNAP, HARD, MANY, { type: 'entries', entries: [ent(8, 3)] }, { type: 'hard-state', hardState: { term: 3, vote: 'n2', commit: 8 } }];
  const frames = records.map((r) => encodeRecords([r]));
  const ends: number[] = [];
  let at = 0;
  for (const f of frames) ends.push((at += f.length));
  return { records, buf: Buffer.concat(frames), ends };
}

/** A frame with a valid CRC around an arbitrary payload. */
function rawFrame(payload: Buffer): Buffer {
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.writeUInt32BE(payload.length, 0);
  head.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

test('every record type round-trips, including conf-change entries, empty data and 0, 1 and many entries', () => {
  const records: WalRecord[] = [HEADER, SNAP, HARD, { type: 'entries', entries: [] }, { type: 'entries', entries: [ent(5, 2)] }, MANY];
  for (const r of records) {
    const one = decodeFrames(encodeRecords([r]));
    assert.deepEqual(one.records, [r]);
    assert.equal(one.tornBytes, 0);
  }
  const buf = encodeRecords(records);
  const all = decodeFrames(buf);
  assert.deepEqual(all.records, records);
  assert.equal(all.end, buf.length);
  assert.equal(all.tornBytes, 0);
});

test('encoding no records gives an empty buffer that decodes to nothing', () => {
  const buf = encodeRecords([]);
  assert.equal(buf.length, 0);
  assert.deepEqual(decodeFrames(buf), { records: [], starts: [], end: 0, tornBytes: 0 });
});

test('decoding stops cleanly at a zero length and ignores what follows it', () => {
  const { records, buf } = sample();
  const padded = Buffer.concat([buf, Buffer.alloc(4096)]);
  const clean = decodeFrames(padded);
  assert.deepEqual(clean.records, records);
  assert.equal(clean.end, buf.length);
  assert.equal(clean.tornBytes, 0);
  // A zero length ends the segment even when a valid frame follows it.
  const gap = Buffer.concat([encodeRecords([HEADER]), Buffer.alloc(FRAME_HEADER_BYTES), encodeRecords([HARD])]);
  const stopped = decodeFrames(gap);
  assert.deepEqual(stopped.records, [HEADER]);
  assert.equal(stopped.end, encodeRecords([HEADER]).length);
  assert.equal(stopped.tornBytes, 0);
});

test('fewer than a frame header of trailing zeros is a clean end, not a torn tail', () => {
  const { records, buf } = sample();
  for (let pad = 1; pad < FRAME_HEADER_BYTES; pad++) {
    const d = decodeFrames(Buffer.concat([buf, Buffer.alloc(pad)]));
    assert.deepEqual(d.records, records, `pad ${pad}`);
    assert.equal(d.end, buf.length);
    assert.equal(d.tornBytes, 0, `pad ${pad}`);
  }
});

test('a frame cut short is a torn tail ending at the last good frame', () => {
  const { records, buf, ends } = sample();
  const lastGood = ends.at(-2) as number;
  for (const cut of [lastGood + 4, lastGood + FRAME_HEADER_BYTES - 1, lastGood + FRAME_HEADER_BYTES, buf.length - 1]) {
    const d = decodeFrames(buf.subarray(0, cut));
    assert.deepEqual(d.records, records.slice(0, -1), `cut at ${cut}`);
    assert.equal(d.end, lastGood);
    assert.equal(d.tornBytes, cut - lastGood, `cut at ${cut}`);
  }
  // Cut inside the (small) length's leading zero bytes: nothing but zeros is left, so the same records and end,
  // and no torn bytes to report.
  assert.equal(buf[lastGood], 0);
  const early = decodeFrames(buf.subarray(0, lastGood + 1));
  assert.deepEqual(early.records, records.slice(0, -1));
  assert.equal(early.end, lastGood);
  // Cut short and then zero-filled (the preallocated rest of a segment).
  const zeroFilled = Buffer.concat([buf.subarray(0, buf.length - 3), Buffer.alloc(4096)]);
  const z = decodeFrames(zeroFilled);
  assert.deepEqual(z.records, records.slice(0, -1));
  assert.equal(z.end, lastGood);
  assert.equal(z.tornBytes, buf.length - 3 - lastGood - countTrailingZeros(buf.subarray(lastGood, buf.length - 3)));
});

function countTrailingZeros(b: Buffer): number {
  let n = 0;
  while (n < b.length && b[b.length - 1 - n] === 0) n++;
  return n;
}

test('a flipped byte fails the CRC and is a torn tail at the frame before it', () => {
  const { records, buf, ends } = sample();
  // Flip one byte in the payload of the 4th frame (the entries record): frames 0..2 survive.
  const copy = Buffer.from(buf);
  const at = (ends[2] as number) + FRAME_HEADER_BYTES + 20;
  copy[at] = (copy[at] as number) ^ 0x40;
  const d = decodeFrames(copy);
  assert.deepEqual(d.records, records.slice(0, 3));
  assert.equal(d.end, ends[2]);
  assert.equal(d.tornBytes, buf.length - (ends[2] as number));
  // A flipped byte in the CRC itself does the same.
  const crcFlip = Buffer.from(buf);
  crcFlip[(ends[0] as number) + 5] = (crcFlip[(ends[0] as number) + 5] as number) ^ 0xff;
  const c = decodeFrames(crcFlip);
  assert.deepEqual(c.records, records.slice(0, 1));
  assert.equal(c.end, ends[0]);
  assert.ok(c.tornBytes > 0);
});

test('an unknown type code with a valid CRC is a torn tail', () => {
  const good = encodeRecords([HEADER, HARD]);
  const unknown = rawFrame(Buffer.from([99, 1, 2, 3]));
  const d = decodeFrames(Buffer.concat([good, unknown, encodeRecords([SNAP])]));
  assert.deepEqual(d.records, [HEADER, HARD]);
  assert.equal(d.end, good.length);
  assert.ok(d.tornBytes >= unknown.length);
  // A known type whose body does not decode (entries count beyond the body) is the same.
  const badBody = rawFrame(Buffer.from([2, 0, 0, 0, 5]));
  const b = decodeFrames(Buffer.concat([good, badBody]));
  assert.deepEqual(b.records, [HEADER, HARD]);
  assert.equal(b.end, good.length);
  assert.equal(b.tornBytes, badBody.length);
});

test('trailing garbage after the last record is a torn tail of exactly its non-zero bytes', () => {
  const { records, buf } = sample();
  const garbage = Buffer.from('this is not a frame at all', 'utf8');
  const d = decodeFrames(Buffer.concat([buf, garbage, Buffer.alloc(100)]));
  assert.deepEqual(d.records, records);
  assert.equal(d.end, buf.length);
  assert.equal(d.tornBytes, garbage.length);
  // Short garbage (less than a frame header) too.
  const s = decodeFrames(Buffer.concat([buf, Buffer.from([0xde, 0xad])]));
  assert.deepEqual(s.records, records);
  assert.equal(s.end, buf.length);
  assert.equal(s.tornBytes, 2);
});

test('truncating or corrupting random bytes never throws and only ever yields a prefix of what was written (seeded fuzz)', () => {
  const { records, buf, ends } = sample();
  const rng = seededRng(0x5eed_a11);
  let torn = 0;
  for (let round = 0; round < 2000; round++) {
    let b = Buffer.from(buf);
    const cut = rng.int(3);
    if (cut !== 1) b = b.subarray(0, rng.int(buf.length + 1));
    if (cut !== 0) {
      const flips = 1 + rng.int(4);
      for (let k = 0; k < flips && b.length > 0; k++) {
        const at = rng.int(b.length);
        b[at] = (b[at] as number) ^ (1 + rng.int(255));
      }
    }
    if (rng.int(2) === 0) b = Buffer.concat([b, Buffer.alloc(rng.int(64))]);
    const d = decodeFrames(b);
    const n = d.records.length;
    assert.ok(n <= records.length, `round ${round}`);
    assert.deepEqual(d.records, records.slice(0, n), `round ${round}: not a prefix`);
    assert.equal(d.end, n === 0 ? 0 : ends[n - 1], `round ${round}: end not at the last good frame`);
    assert.ok(d.end <= b.length);
    if (d.tornBytes > 0) torn++;
  }
  assert.ok(torn > 500, `the fuzz exercised torn tails (${torn})`);
});
