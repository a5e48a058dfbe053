import { test } from 'node:test';
import assert from 'node:assert/strict';
import { message } from '../raft/types.ts';
import { decodeBatch, decodeSnapshotMessage, encodeBatch, encodeSnapshotHeader } from './codec.ts';

test('a batch of messages with entry bytes survives the wire exactly', () => {
  const m = message({ type: 'app', from: 'n1', to: 'n2', term: 3, index: 7, logTerm: 2, commit: 6, entries: [{ term: 3, index: 8, type: 'normal', data: new Uint8Array([0, 1, 255]) }] });
  const back = decodeBatch(JSON.parse(encodeBatch({ clusterId: 'c', from: 'n1', messages: [m] })));
  assert.equal(back.clusterId, 'c');
  assert.deepEqual(back.messages[0], m);
});

test('a snapshot travels as a header plus the raw body and is put back together', () => {
  const data = new Uint8Array([9, 8, 7]);
  const confState = { voters: ['n1', 'n2'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
  const m = message({ type: 'snap', from: 'n1', to: 'n2', term: 4, snapshot: { metadata: { index: 100, term: 4, confState }, data } });
  const back = decodeSnapshotMessage(encodeSnapshotHeader('c', m), data);
  assert.equal(back.clusterId, 'c');
  assert.deepEqual(back.message, m);
});

test('malformed peer input is refused as a whole with BARN_BAD_PEER_MESSAGE', () => {
  for (const bad of [null, {}, { clusterId: 'c', from: 'n1', messages: [{ type: 'app' }] }, { clusterId: 'c', from: 'n1', messages: [{ type: 'app', from: 'a', to: 'b', term: 'x' }] }]) {
    assert.throws(() => decodeBatch(bad), (e: Error & { code?: string }) => e.code === 'BARN_BAD_PEER_MESSAGE');
  }
  assert.throws(() => decodeSnapshotMessage(undefined, new Uint8Array()), (e: Error & { code?: string }) => e.code === 'BARN_BAD_PEER_MESSAGE');
  assert.throws(() => decodeSnapshotMessage('not base64 json', new Uint8Array()), (e: Error & { code?: string }) => e.code === 'BARN_BAD_PEER_MESSAGE');
});
