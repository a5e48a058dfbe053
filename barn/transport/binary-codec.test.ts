import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import { message } from '../raft/types.ts';
import { decodeBinaryBatch, encodeBinaryBatch } from './binary-codec.ts';

const batch = {
  clusterId: 'c-ü',
  from: 'n1',
  messages: [
    message({ type: 'app', from: 'n1', to: 'n2', term: 3, index: 7, logTerm: 2, commit: 6, entries: [{ term: 3, index: 8, type: 'normal', data: new Uint8Array([0, 1, 255]) }, { term: 3, index: 9, type: 'conf-change', data: new Uint8Array(0) }] }),
    message({ type: 'app-resp', from: 'n1', to: 'n2', term: 3, index: 9, reject: true, rejectHint: 4, context: 'ctx-1' }),
    message({ type: 'read-index-resp', from: 'n1', to: 'n3', term: 2 ** 40, index: 12, context: '😀' }),
  ],
};

test('a batch of messages with entry bytes survives the binary wire exactly', () => {
  assert.deepEqual(decodeBinaryBatch(encodeBinaryBatch(batch)), batch);
  assert.deepEqual(decodeBinaryBatch(encodeBinaryBatch({ clusterId: 'c', from: 'n2', messages: [] })), { clusterId: 'c', from: 'n2', messages: [] });
});

test('every truncation, a trailing byte, an unknown type or version and a non-integer are refused as a whole', () => {
  const wire = encodeBinaryBatch(batch);
  const refused = (buf: Buffer): boolean => {
    try {
      decodeBinaryBatch(buf);
      return false;
    } catch (e) {
      return (e as { code?: string }).code === 'BARN_BAD_PEER_MESSAGE';
    }
  };
  for (let n = 0; n < wire.length; n++) assert.ok(refused(wire.subarray(0, n)), `truncated to ${n} bytes`);
  assert.ok(refused(Buffer.concat([wire, Buffer.from([0])])), 'trailing byte');
  const badVersion = Buffer.from(wire);
  badVersion[0] = 9;
  assert.ok(refused(badVersion), 'version');
  const typeAt = 1 + 4 + Buffer.byteLength('c-ü') + 4 + 2 + 4;
  const badType = Buffer.from(wire);
  badType[typeAt] = 200;
  assert.ok(refused(badType), 'message type');
  const badTerm = Buffer.from(wire);
  badTerm.writeDoubleBE(1.5, typeAt + 1);
  assert.ok(refused(badTerm), 'fractional term');
});

test('random bytes never decode into something Raft would see', () => {
  const rng = seededRng(11);
  for (let i = 0; i < 500; i++) {
    const junk = Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256)));
    try {
      decodeBinaryBatch(junk);
      assert.fail('junk decoded');
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'BARN_BAD_PEER_MESSAGE');
    }
  }
});

test('a batch with a local-only type, a snapshot, or a message from another sender is refused as a whole', () => {
  const wireOf = (m: ReturnType<typeof message>) => encodeBinaryBatch({ clusterId: 'c', from: 'n1', messages: [batch.messages[0]!, m] });
  for (const m of [
    message({ type: 'hup', from: 'n1', to: 'n2' }),
    message({ type: 'unreachable', from: 'n1', to: 'n2' }),
    message({ type: 'snap', from: 'n1', to: 'n2', term: 3 }),
    message({ type: 'vote', from: 'n9', to: 'n2', term: 3 }),
  ]) {
    assert.throws(() => decodeBinaryBatch(wireOf(m)), { code: 'BARN_BAD_PEER_MESSAGE' }, `${m.type} from ${m.from}`);
  }
  assert.equal(decodeBinaryBatch(wireOf(message({ type: 'vote', from: 'n1', to: 'n2', term: 3 }))).messages.length, 2);
});
