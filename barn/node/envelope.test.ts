import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId, unwrap, wrap } from './envelope.ts';

test('request ids are distinct 16-byte hex strings and survive wrap/unwrap with the command', () => {
  const ids = Array.from({ length: 1000 }, newRequestId);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  const command = new TextEncoder().encode('{"type":"put","key":"k","value":1}');
  const back = unwrap(wrap(ids[7]!, command));
  assert.equal(back.requestId, ids[7]);
  assert.deepEqual(back.command, command);
});

test('an entry that is not an envelope has no request id', () => {
  assert.equal(unwrap(new Uint8Array(0)).requestId, undefined);
  assert.equal(unwrap(new Uint8Array([2, ...new Uint8Array(20)])).requestId, undefined);
});
