import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuninkError } from '../../common/error.ts';
import { seededRng } from '../../common/rng.ts';
import type { RaftError } from './errors.ts';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { message } from './types.ts';
import type { ConfState, Ready } from './types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const cs = (voters: string[]): ConfState => ({ voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false });

function node(id: string, storage: MemoryStorage, applied = 0): RawNode {
  return new RawNode({ id, electionTick: 10, heartbeatTick: 1, storage, applied, maxSizePerMsg: 1 << 20, maxInflightMsgs: 16, checkQuorum: false, preVote: false, rng: seededRng(1) });
}

/** The node-loop contract: persist, (send), apply, advance. Returns the Ready. */
function handle(n: RawNode, storage: MemoryStorage): Ready {
  const rd = n.ready();
  if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
  for (const e of rd.committedEntries) if (e.type === 'conf-change') n.applyConfChange(RawNode.confChangeOf(e.data));
  n.advance();
  return rd;
}

test('a single voter elects itself; its Ready carries state, entries to persist and the same entries to apply', () => {
  const s = new MemoryStorage({ confState: cs(['1']) });
  const n = node('1', s);
  assert.equal(n.campaign(), null);
  assert.equal(n.propose(enc.encode('x')), null);
  const rd = handle(n, s);
  assert.deepEqual(rd.softState, { lead: '1', role: 'leader' });
  assert.deepEqual(rd.hardState, { term: 1, vote: '1', commit: 2 });
  assert.deepEqual(rd.entries.map((e) => e.index), [1, 2]);
  assert.deepEqual(rd.committedEntries.map((e) => dec.decode(e.data)), ['', 'x']);
  assert.equal(n.hasReady(), false);
  assert.equal(s.lastIndex(), 2);
});

test('a candidate vote requests come in the same Ready as the hard state recording its own vote', () => {
  const s = new MemoryStorage({ confState: cs(['1', '2', '3']) });
  const n = node('1', s);
  n.campaign();
  const rd = n.ready();
  assert.deepEqual(rd.hardState, { term: 1, vote: '1', commit: 0 });
  assert.deepEqual(rd.messages.map((m) => [m.type, m.to]), [
    ['vote', '2'],
    ['vote', '3'],
  ]);
});

test('step refuses local message types and responses from unknown peers as data', () => {
  const n = node('1', new MemoryStorage({ confState: cs(['1', '2']) }));
  assert.equal(n.step(message({ type: 'hup', from: '2', to: '1' }))?.code, 'RAFT_STEP_LOCAL_MSG');
  assert.equal(n.step(message({ type: 'app-resp', from: '9', to: '1', term: 1 }))?.code, 'RAFT_STEP_PEER_NOT_FOUND');
  assert.equal(n.step(message({ type: 'app', from: '2', to: '1', term: 1 })), null);
});

test('ready() twice without advance() is an invariant violation', () => {
  const s = new MemoryStorage({ confState: cs(['1']) });
  const n = node('1', s);
  n.campaign();
  n.ready();
  assert.throws(() => n.ready(), (e) => isRuninkError(e, 'RAFT_INVARIANT'));
});

test('a restarted node keeps term, vote and commit and re-delivers committed entries after `applied`', () => {
  const s = new MemoryStorage({ confState: cs(['1']) });
  const n = node('1', s);
  n.campaign();
  handle(n, s);
  n.propose(enc.encode('a'));
  n.propose(enc.encode('b'));
  handle(n, s);
  const again = node('1', s, 2);
  const st = again.status();
  assert.deepEqual(st.hardState, { term: 1, vote: '1', commit: 3 });
  assert.equal(st.softState.role, 'follower');
  const rd = handle(again, s);
  assert.deepEqual(rd.committedEntries.map((e) => dec.decode(e.data)), ['b']);
});

test('applyConfChange returns the new configuration; an invalid change leaves it and reports why', () => {
  const n = node('1', new MemoryStorage({ confState: cs(['1']) }));
  const after = n.applyConfChange({ changes: [{ type: 'add-learner', nodeId: '2' }], transition: 'auto', context: '' });
  assert.deepEqual(after.learners, ['2']);
  assert.equal(n.lastConfChangeError, undefined);
  const same = n.applyConfChange({ changes: [{ type: 'remove-node', nodeId: '1' }], transition: 'auto', context: '' });
  assert.deepEqual(same.voters, ['1']);
  assert.equal((n.lastConfChangeError as RaftError | undefined)?.code, 'RAFT_CONF_ZERO_VOTERS');
});

test('a read index on a single-voter leader is answered in the next Ready', () => {
  const s = new MemoryStorage({ confState: cs(['1']) });
  const n = node('1', s);
  n.campaign();
  handle(n, s);
  n.readIndex('ctx-1');
  const rd = handle(n, s);
  assert.deepEqual(rd.readStates, [{ index: 1, requestCtx: 'ctx-1' }]);
});

test('a conf change proposed without a leader is dropped; status shows progress only on a leader', () => {
  const s = new MemoryStorage({ confState: cs(['1', '2', '3']) });
  const n = node('1', s);
  const err = n.proposeConfChange({ changes: [{ type: 'add-node', nodeId: '4' }], transition: 'auto', context: '' });
  assert.equal(err?.code, 'RAFT_PROPOSAL_DROPPED');
  assert.equal(n.status().progress.size, 0);
  assert.equal(n.status().config, 'voters=(1 2 3)');
});
