import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { decodeEntry, decodeEntryTerm, encodeEntry, encodedEntrySize, ENTRY_HEADER_BYTES, readU64, readU64Key, u64Key, writeU64 } from './codec.ts';

test('an entry survives encoding with its type, term, index and bytes', () => {
  const entry = { term: 2 ** 40 + 3, index: 2 ** 52 + 1, type: 'conf-change' as const, data: new Uint8Array([0, 255, 7]) };
  const buf = encodeEntry(entry);
  assert.equal(buf.byteLength, ENTRY_HEADER_BYTES + 3);
  assert.equal(encodedEntrySize(entry), buf.byteLength);
  assert.deepEqual(decodeEntry(buf, entry.index), entry);
  assert.equal(decodeEntryTerm(buf, entry.index), entry.term);
});

test('a decoded entry owns its data (a reused input buffer does not change it)', () => {
  const buf = encodeEntry({ term: 1, index: 1, type: 'normal', data: new Uint8Array([1, 2, 3]) });
  const entry = decodeEntry(buf, 1);
  buf.fill(9);
  assert.deepEqual([...entry.data], [1, 2, 3]);
});

test('an entry found under the wrong index or with an unknown format is reported as corrupt', () => {
  const buf = encodeEntry({ term: 1, index: 5, type: 'normal', data: new Uint8Array(0) });
  assert.throws(() => decodeEntry(buf, 6), (e) => isRuninkError(e, 'BARN_STORAGE_CORRUPT'));
  buf[0] = 99;
  assert.throws(() => decodeEntry(buf, 5), (e) => isRuninkError(e, 'BARN_STORAGE_CORRUPT'));
});

test('u64 keys sort bytewise in numeric order', () => {
  const nums = [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
  const keys = nums.map(u64Key);
  const sorted = [...keys].sort(Buffer.compare);
  assert.deepEqual(sorted.map(readU64Key), nums);
  assert.throws(() => u64Key(-1), RangeError);
  assert.throws(() => u64Key(1.5), RangeError);
});

test('u64 numbers are written big-endian at any offset and read back, up to the largest safe integer', () => {
  const buf = new Uint8Array(16);
  for (const n of [0, 1, 255, 256, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
    writeU64(buf, 3, n);
    assert.equal(Buffer.from(buf.buffer, 3, 8).readBigUInt64BE(0), BigInt(n), `bytes of ${n}`);
    assert.equal(readU64(buf, 3), n);
  }
  assert.throws(() => writeU64(buf, 9, 1), RangeError, 'past the end');
  assert.throws(() => writeU64(buf, 0, -1), RangeError);
  buf.fill(0xff, 0, 8);
  assert.throws(() => readU64(buf, 0), /out of range/, 'beyond 2^53 is corruption');
});
