// How Barn's answers enter the history: completed, definitely not applied, or unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from './barn-ops.ts';

const cas = { kind: 'cas', ifRevision: 3, value: 'v' } as const;

test('a 409 compare failure is a completed cas that failed, and teaches the current record', () => {
  const out = classify(cas, { status: 409, body: { code: 'BARN_COMPARE_FAILED', message: 'k has modRevision 5, not 3', current: { key: 'k', value: 'x', modRevision: 5 } } });
  assert.deepEqual(out, { kind: 'ok', output: { ok: false }, known: { found: true, value: 'x', modRevision: 5 } });
});

test('a 404 on a read is a completed read of an absent key', () => {
  assert.deepEqual(classify({ kind: 'read' }, { status: 404, body: { code: 'BARN_KEY_NOT_FOUND', message: 'no key k' } }), { kind: 'ok', output: { found: false, value: null }, known: { found: false } });
});

test('no leader and a dropped proposal are definitely not applied; a timeout or another 503 is unknown', () => {
  const answer = (status: number, code: string, message: string, retry?: boolean) => classify(cas, { status, body: { code, message, ...(retry === undefined ? {} : { retry }) } }).kind;
  assert.equal(answer(503, 'BARN_UNAVAILABLE', 'no leader right now (election in progress or no quorum); retry shortly', true), 'failed');
  assert.equal(answer(503, 'BARN_UNAVAILABLE', 'proposal dropped (RAFT_PROPOSAL_DROPPED); retry', true), 'failed');
  assert.equal(answer(503, 'BARN_UNAVAILABLE', 'node is shutting down'), 'unknown');
  assert.equal(answer(504, 'BARN_TIMEOUT', 'the write was proposed but not applied in time'), 'unknown');
  assert.equal(answer(500, 'BARN_INTERNAL', 'boom'), 'unknown');
  assert.equal(answer(400, 'BARN_BAD_REQUEST', 'bad body'), 'rejected');
});
