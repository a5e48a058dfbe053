// A leader's appends may leave before its own write only when they announce nothing that is not on disk yet.
// The Readys here are real ones from the Raft core (barn/raft), persisted into a MemoryStorage as the node loop does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import { MemoryStorage } from '../raft/memory-storage.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { ConfState, HardState, Ready } from '../raft/types.ts';
import { leaderMaySendEarly } from './early-send.ts';

const conf = (voters: string[], learners: string[] = []): ConfState => ({ voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false });

function node(storage: MemoryStorage): RawNode {
  return new RawNode({ id: '1', electionTick: 10, heartbeatTick: 1, storage, applied: 0, maxSizePerMsg: 1 << 20, maxInflightMsgs: 16, checkQuorum: false, preVote: false, rng: seededRng(7) });
}

/** Asks the decision for a Ready as BarnNode does (persisted state before the Ready's write), then persists it. */
function decideAndPersist(n: RawNode, s: MemoryStorage, persisted: { hs: HardState }): { rd: Ready; early: boolean } {
  const rd = n.ready();
  const early = leaderMaySendEarly(rd.hardState, persisted.hs, s.lastIndex());
  s.append(rd.entries);
  if (rd.hardState !== undefined) {
    s.setHardState(rd.hardState);
    persisted.hs = rd.hardState;
  }
  n.advance();
  return { rd, early };
}

test('a single voter with a learner sends the append that announces a new commit only after its write', () => {
  const s = new MemoryStorage({ confState: conf(['1'], ['2']) });
  const n = node(s);
  const persisted = { hs: { term: 0, vote: '', commit: 0 } as HardState };
  n.campaign();
  const first = decideAndPersist(n, s, persisted);
  assert.equal(first.early, false, 'a new term and vote are not on disk yet');
  n.step({ ...first.rd.messages.find((m) => m.to === '2')!, type: 'app-resp', from: '2', to: '1', reject: false, index: s.lastIndex(), entries: [] });
  while (n.hasReady()) decideAndPersist(n, s, persisted);
  n.propose(new TextEncoder().encode('x'));
  const { rd, early } = decideAndPersist(n, s, persisted);
  const append = rd.messages.find((m) => m.type === 'app' && m.to === '2');
  assert.ok(append !== undefined && append.commit > 0, 'the learner is told about the new commit');
  assert.ok(rd.hardState !== undefined && rd.hardState.commit === rd.entries.at(-1)?.index, 'the single voter committed the entry it appends in this very Ready');
  assert.equal(early, false, 'so that append must wait for the write');
});

test('appends whose term, vote and commit are already on disk may leave before the write', () => {
  const onDisk = { term: 3, vote: '1', commit: 10 };
  assert.equal(leaderMaySendEarly(undefined, onDisk, 12), true);
  assert.equal(leaderMaySendEarly({ term: 3, vote: '1', commit: 12 }, onDisk, 12), true);
  assert.equal(leaderMaySendEarly({ term: 3, vote: '1', commit: 13 }, onDisk, 12), false);
  assert.equal(leaderMaySendEarly({ term: 4, vote: '1', commit: 10 }, onDisk, 12), false);
  assert.equal(leaderMaySendEarly({ term: 3, vote: '2', commit: 10 }, onDisk, 12), false);
});
