// The rules of the Raft paper (Ongaro & Ousterhout, §5), one test per rule, on the bare core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import { MemoryStorage } from './memory-storage.ts';
import { Raft } from './raft.ts';
import { TestNetwork, drain, entry, newTestRaft, storageWithTerms } from './raft-test-util.ts';
import { NONE, message } from './types.ts';
import type { Message } from './types.ts';

const ABC = ['1', '2', '3'];
const hup = (r: Raft): void => void r.step(message({ type: 'hup', from: r.id, to: NONE }));
const enc = new TextEncoder();
const prop = (r: Raft, data: string): void => void r.step(message({ type: 'prop', from: r.id, to: NONE, entries: [entry(0, 0, data)] }));

function leaderOf3(): { net: TestNetwork; rafts: Raft[] } {
  const rafts = ABC.map((id) => newTestRaft(id, ABC));
  const net = new TestNetwork(rafts);
  hup(rafts[0] as Raft);
  net.send();
  return { net, rafts };
}

function logTerms(r: Raft): number[] {
  return r.raftLog.allEntries().map((e) => e.term);
}

test('every member starts as a follower of term 0 without a leader', () => {
  const r = newTestRaft('1', ABC);
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 0);
  assert.equal(r.lead, NONE);
});

test('a member of any role adopts a higher term from any message and becomes a follower (§5.1)', () => {
  for (const setup of ['follower', 'candidate', 'leader'] as const) {
    const r = newTestRaft('1', ABC);
    if (setup !== 'follower') {
      r.becomeCandidate();
      if (setup === 'leader') r.becomeLeader();
    }
    r.step(message({ type: 'app', from: '2', to: '1', term: 5 }));
    assert.equal(r.term, 5, setup);
    assert.equal(r.role, 'follower', setup);
    assert.equal(r.lead, '2', setup);
  }
});

test('a message with a stale term is ignored (§5.1)', () => {
  const r = newTestRaft('1', ABC);
  r.step(message({ type: 'app', from: '2', to: '1', term: 3 }));
  drain(r);
  r.step(message({ type: 'app', from: '3', to: '1', term: 2, entries: [entry(2, 1)], commit: 1 }));
  assert.equal(r.term, 3);
  assert.equal(r.lead, '2');
  assert.equal(r.raftLog.lastIndex(), 0);
  assert.deepEqual(drain(r), []);
});

test('a leader sends a heartbeat to every follower each heartbeat timeout (§5.2)', () => {
  const r = newTestRaft('1', ABC);
  r.becomeCandidate();
  r.becomeLeader();
  drain(r);
  r.tick();
  const msgs = drain(r);
  assert.deepEqual(msgs.map((m) => [m.type, m.to, m.term]), [
    ['heartbeat', '2', 1],
    ['heartbeat', '3', 1],
  ]);
});

test('a follower that hears nothing for an election timeout starts an election: term + 1, self vote, vote requests (§5.2)', () => {
  const r = newTestRaft('1', ABC);
  for (let i = 0; i < 2 * r.electionTimeout; i++) r.tick();
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 1);
  assert.equal(r.vote, '1');
  const votes = drain(r).filter((m) => m.type === 'vote');
  assert.deepEqual(votes.map((m) => [m.to, m.term]), [
    ['2', 1],
    ['3', 1],
  ]);
});

test('a candidate whose election times out starts a new one in the next term (§5.2)', () => {
  const r = newTestRaft('1', ABC);
  hup(r);
  assert.equal(r.term, 1);
  for (let i = 0; i < 2 * r.electionTimeout; i++) r.tick();
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 2);
});

test('a candidate wins with a majority of votes, waits without one, and loses to a majority of rejections (§5.2)', () => {
  const cases: { size: number; votes: Record<string, boolean>; role: Raft['role'] }[] = [
    { size: 1, votes: {}, role: 'leader' },
    { size: 3, votes: { '2': true }, role: 'leader' },
    { size: 3, votes: {}, role: 'candidate' },
    { size: 5, votes: { '2': true }, role: 'candidate' },
    { size: 5, votes: { '2': true, '3': true }, role: 'leader' },
    { size: 5, votes: { '2': false, '3': false, '4': false }, role: 'follower' },
    { size: 5, votes: { '2': true, '3': false, '4': false }, role: 'candidate' },
  ];
  for (const c of cases) {
    const ids = Array.from({ length: c.size }, (_, i) => String(i + 1));
    const r = newTestRaft('1', ids);
    hup(r);
    for (const [from, granted] of Object.entries(c.votes)) {
      r.step(message({ type: 'vote-resp', from, to: '1', term: 1, reject: !granted }));
    }
    assert.equal(r.role, c.role, JSON.stringify(c));
  }
});

test('a voter grants at most one vote per term, first come first served (§5.2)', () => {
  const r = newTestRaft('1', ABC);
  r.step(message({ type: 'vote', from: '2', to: '1', term: 1, index: 0, logTerm: 0 }));
  r.step(message({ type: 'vote', from: '3', to: '1', term: 1, index: 0, logTerm: 0 }));
  r.step(message({ type: 'vote', from: '2', to: '1', term: 1, index: 0, logTerm: 0 }));
  const resp = drain(r).map((m) => [m.to, m.reject]);
  assert.deepEqual(resp, [
    ['2', false],
    ['3', true],
    ['2', false],
  ]);
  assert.equal(r.vote, '2');
});

test('a candidate steps down when it hears from a leader of its own term (§5.2)', () => {
  const r = newTestRaft('1', ABC);
  hup(r);
  r.step(message({ type: 'app', from: '2', to: '1', term: 1 }));
  assert.equal(r.role, 'follower');
  assert.equal(r.lead, '2');
  assert.equal(r.term, 1);
});

test('election timeouts are randomized in [e, 2e) and differ between members (§5.2)', () => {
  const seen = new Set<number>();
  for (let seed = 1; seed <= 50; seed++) {
    const r = newTestRaft('1', ABC, { rng: seededRng(seed) });
    let ticks = 0;
    while (r.role === 'follower') {
      r.tick();
      ticks++;
    }
    assert.ok(ticks >= r.electionTimeout && ticks < 2 * r.electionTimeout, `timeout ${ticks}`);
    seen.add(ticks);
  }
  assert.ok(seen.size > 3, `only ${seen.size} distinct timeouts`);
});

test('a new leader appends a no-op entry of its term (§8)', () => {
  const { rafts } = leaderOf3();
  const leader = rafts[0] as Raft;
  assert.equal(leader.role, 'leader');
  const last = leader.raftLog.allEntries().at(-1);
  assert.equal(last?.term, 1);
  assert.equal(last?.data.byteLength, 0);
});

test('a leader appends a proposal to its log and replicates it to every follower (§5.3)', () => {
  const r = newTestRaft('1', ABC);
  r.becomeCandidate();
  r.becomeLeader();
  // followers acknowledged the no-op: replicate state
  for (const id of ['2', '3']) r.step(message({ type: 'app-resp', from: id, to: '1', term: 1, index: 1 }));
  drain(r);
  prop(r, 'x');
  assert.equal(r.raftLog.lastIndex(), 2);
  const apps = drain(r).filter((m) => m.type === 'app');
  assert.deepEqual(apps.map((m) => [m.to, m.index, m.logTerm, m.entries.map((e) => [e.term, e.index])]), [
    ['2', 1, 1, [[1, 2]]],
    ['3', 1, 1, [[1, 2]]],
  ]);
});

test('a leader commits an entry once a majority stored it, and followers learn the commit index (§5.3)', () => {
  const { net, rafts } = leaderOf3();
  const [a, b, c] = rafts as [Raft, Raft, Raft];
  net.isolate('3');
  prop(a, 'x');
  net.send();
  assert.equal(a.raftLog.committed, 2);
  assert.equal(b.raftLog.committed, 2);
  assert.equal(c.raftLog.committed, 1);
});

test('a leader commits entries of earlier terms only by committing an entry of its own term (§5.4.2)', () => {
  // The leader of term 2 has entries [1, 1] and a follower acknowledges index 2 (term 1): no commit.
  const storage = storageWithTerms(ABC, [1, 1]);
  const r = newTestRaft('1', ABC, { storage });
  r.becomeCandidate();
  r.becomeCandidate(); // term 2
  r.becomeLeader(); // no-op at 3 (term 2)
  r.step(message({ type: 'app-resp', from: '2', to: '1', term: 2, index: 2 }));
  assert.equal(r.raftLog.committed, 0);
  // Once the term-2 entry is acknowledged, everything up to it commits.
  r.step(message({ type: 'app-resp', from: '2', to: '1', term: 2, index: 3 }));
  assert.equal(r.raftLog.committed, 3);
});

test('a follower rejects an append whose previous index and term do not match its log (§5.3)', () => {
  const r = newTestRaft('1', ABC, { storage: storageWithTerms(ABC, [1, 2]) });
  r.step(message({ type: 'app', from: '2', to: '1', term: 3, index: 2, logTerm: 3, entries: [entry(3, 3)] }));
  r.step(message({ type: 'app', from: '2', to: '1', term: 3, index: 5, logTerm: 3, entries: [entry(3, 6)] }));
  const resps = drain(r).filter((m) => m.type === 'app-resp');
  assert.deepEqual(resps.map((m) => [m.reject, m.index]), [
    [true, 2],
    [true, 5],
  ]);
  assert.equal(r.raftLog.lastIndex(), 2);
});

test('a follower deletes a conflicting suffix and appends the leader entries (log matching, §5.3)', () => {
  const r = newTestRaft('1', ABC, { storage: storageWithTerms(ABC, [1, 1, 2, 2]) });
  r.step(message({ type: 'app', from: '2', to: '1', term: 3, index: 2, logTerm: 1, entries: [entry(3, 3), entry(3, 4), entry(3, 5)] }));
  assert.deepEqual(logTerms(r), [1, 1, 3, 3, 3]);
  const resp = drain(r).find((m) => m.type === 'app-resp') as Message;
  assert.equal(resp.reject, false);
  assert.equal(resp.index, 5);
});

test('a follower advances its commit index to min(leader commit, last new entry) (§5.3)', () => {
  const r = newTestRaft('1', ABC, { storage: storageWithTerms(ABC, [1, 1, 1, 1]) });
  r.step(message({ type: 'app', from: '2', to: '1', term: 1, index: 1, logTerm: 1, entries: [entry(1, 2)], commit: 4 }));
  assert.equal(r.raftLog.committed, 2);
  r.step(message({ type: 'heartbeat', from: '2', to: '1', term: 1, commit: 3 }));
  assert.equal(r.raftLog.committed, 3);
});

test('a leader backs up nextIndex after rejections until the logs match, then repairs the follower (§5.3)', () => {
  // Leader log: terms 1 1 4 4 5 5 6 6 6 (+ no-op of term 7); follower: 1 1 4 4 4 4 (missing and different).
  const leaderStorage = storageWithTerms(ABC, [1, 1, 4, 4, 5, 5, 6, 6, 6]);
  leaderStorage.setHardState({ term: 6, vote: NONE, commit: 0 });
  const followerStorage = storageWithTerms(ABC, [1, 1, 4, 4, 4, 4, 4]);
  followerStorage.setHardState({ term: 4, vote: NONE, commit: 0 });
  const leader = newTestRaft('1', ABC, { storage: leaderStorage });
  const follower = newTestRaft('2', ABC, { storage: followerStorage });
  const third = newTestRaft('3', ABC, { storage: storageWithTerms(ABC, []) });
  const net = new TestNetwork([leader, follower, third]);
  hup(leader);
  net.send();
  assert.equal(leader.role, 'leader');
  assert.deepEqual(logTerms(follower), logTerms(leader));
  assert.deepEqual(logTerms(follower), [1, 1, 4, 4, 5, 5, 6, 6, 6, 7]);
});

test('a voter rejects a candidate whose log is less up to date than its own (§5.4.1)', () => {
  const cases = [
    { logTerm: 1, index: 5, granted: false }, // lower last term, longer log
    { logTerm: 2, index: 2, granted: false }, // same last term, shorter log
    { logTerm: 2, index: 3, granted: true }, // same
    { logTerm: 3, index: 1, granted: true }, // higher last term
  ];
  for (const c of cases) {
    const r = newTestRaft('1', ABC, { storage: storageWithTerms(ABC, [1, 2, 2]) });
    r.step(message({ type: 'vote', from: '2', to: '1', term: 5, index: c.index, logTerm: c.logTerm }));
    const resp = drain(r).find((m) => m.type === 'vote-resp') as Message;
    assert.equal(resp.reject, !c.granted, JSON.stringify(c));
  }
});

test('a leader never overwrites or deletes its own entries (§5.3 leader append-only)', () => {
  const r = newTestRaft('1', ABC);
  r.becomeCandidate();
  r.becomeCandidate();
  r.becomeLeader(); // term 2, no-op at index 1
  prop(r, 'x');
  const before = r.raftLog.allEntries().map((e) => [e.term, e.index]);
  // A conflicting append from a leader of an older term, and a rejection, leave the leader's log alone.
  r.step(message({ type: 'app', from: '2', to: '1', term: 1, index: 0, logTerm: 0, entries: [entry(1, 1, 'other')] }));
  r.step(message({ type: 'app-resp', from: '2', to: '1', term: 2, index: 2, reject: true, rejectHint: 0 }));
  assert.deepEqual(r.raftLog.allEntries().map((e) => [e.term, e.index]), before);
  assert.equal(r.role, 'leader');
});

test('proposals on a member without a leader are dropped with RAFT_PROPOSAL_DROPPED', () => {
  const r = newTestRaft('1', ABC);
  const err = r.step(message({ type: 'prop', from: '1', to: NONE, entries: [{ term: 0, index: 0, type: 'normal', data: enc.encode('x') }] }));
  assert.equal(err?.code, 'RAFT_PROPOSAL_DROPPED');
  assert.equal(r.raftLog.lastIndex(), 0);
});

test('a learner never campaigns and its acknowledgement does not count toward commit', () => {
  const confState = { voters: ['1', '2'], learners: ['3'], votersOutgoing: [], learnersNext: [], autoLeave: false };
  const learner = newTestRaft('3', [], { storage: new MemoryStorage({ confState }) });
  for (let i = 0; i < 50; i++) learner.tick();
  assert.equal(learner.role, 'follower');
  assert.deepEqual(drain(learner), []);

  const leader = newTestRaft('1', [], { storage: new MemoryStorage({ confState }) });
  leader.becomeCandidate();
  leader.becomeLeader();
  leader.step(message({ type: 'app-resp', from: '3', to: '1', term: 1, index: 1 }));
  assert.equal(leader.raftLog.committed, 0);
  leader.step(message({ type: 'app-resp', from: '2', to: '1', term: 1, index: 1 }));
  assert.equal(leader.raftLog.committed, 1);
});
