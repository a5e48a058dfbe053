import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import { FrameReader, encodeFrame } from './frames.ts';

test('frames split at any byte boundary come back whole and in order', () => {
  const rng = seededRng(7);
  const payloads = Array.from({ length: 50 }, (_, i) => Buffer.alloc(rng.int(300), i));
  const wire = Buffer.concat(payloads.map((p) => encodeFrame(p)));
  for (let round = 0; round < 20; round++) {
    const reader = new FrameReader();
    const got: Buffer[] = [];
    for (let at = 0; at < wire.length; ) {
      const n = 1 + rng.int(97);
      got.push(...reader.push(wire.subarray(at, at + n)));
      at += n;
    }
    assert.deepEqual(got.map((b) => Buffer.from(b)), payloads);
  }
});

test('a frame announcing more than the limit is refused with BARN_BAD_PEER_MESSAGE', () => {
  const reader = new FrameReader(10);
  assert.throws(() => reader.push(encodeFrame(Buffer.alloc(11))), (e: Error & { code?: string }) => e.code === 'BARN_BAD_PEER_MESSAGE');
});
