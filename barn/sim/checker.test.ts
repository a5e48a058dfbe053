// The checkers themselves are tested: each is fed a fabricated history that breaks its invariant (and a
// legal one next to it), so a checker that silently accepts everything cannot pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfState, Entry } from '../raft/types.ts';
import { CommitIndexMonitor } from './check-commit-index.ts';
import { CommittedLog } from './check-committed.ts';
import type { AppliedEntry, DurableLogView } from './check-committed.ts';
import { ElectionRecord } from './check-election.ts';
import { LogRegistry, checkLogsPairwise } from './check-log-matching.ts';
import { ReadIndexMonitor } from './check-read-index.ts';
import { ViolationError } from './violation.ts';
import type { InvariantName } from './types.ts';

const enc = new TextEncoder();

function entry(index: number, term: number, data = `e${index}`): Entry {
  return { index, term, type: 'normal', data: enc.encode(data) };
}

function applied(index: number, term: number, value = `e${index}`): AppliedEntry {
  return { index, term, kind: 'normal', value };
}

function config(voters: string[], votersOutgoing: string[] = []): ConfState {
  return { voters, votersOutgoing, learners: [], learnersNext: [], autoLeave: false };
}

function throwsViolation(fn: () => void, invariant: InvariantName, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ViolationError && e.invariant === invariant && pattern.test(e.message));
}

test('a second leader in the same term is an election-safety violation, the same leader twice is not', () => {
  const r = new ElectionRecord();
  r.observeLeader(3, '1');
  r.observeLeader(3, '1');
  r.observeLeader(4, '2');
  assert.equal(r.count(), 2);
  throwsViolation(() => r.observeLeader(3, '2'), 'election-safety', /two leaders in term 3: 1 and 2/);
});

test('the log registry rejects an (index, term) persisted with different content or a different predecessor', () => {
  const reg = new LogRegistry();
  reg.recordPersisted('1', 0, [entry(1, 1), entry(2, 1), entry(3, 2)]);
  reg.recordPersisted('2', 1, [entry(2, 1), entry(3, 2)]); // the same history: fine
  throwsViolation(() => reg.recordPersisted('3', 1, [entry(2, 1, 'forged')]), 'log-matching', /entry 2\/1 is .* on 1 but .*forged.* on 3/);
  throwsViolation(() => reg.recordPersisted('3', 2, [entry(3, 2)]), 'log-matching', /entry 3\/2 follows term 1 on 1 but term 2 on 3/);
});

test('pairwise log matching accepts divergent tails but not a difference below a shared entry', () => {
  const base = [entry(1, 1), entry(2, 1), entry(3, 2)];
  const ok = [
    { id: '1', entries: [...base, entry(4, 2)] },
    { id: '2', entries: [...base, entry(4, 3, 'other')] },
    { id: '3', entries: base.slice(1) },
  ];
  checkLogsPairwise(ok);
  const forged = [
    { id: '1', entries: base },
    { id: '2', entries: [entry(1, 1), entry(2, 1, 'forged'), entry(3, 2)] },
  ];
  throwsViolation(() => checkLogsPairwise(forged), 'log-matching', /1 and 2 share entry 3\/2 but differ at index 2/);
});

test('two nodes applying different entries at one index break state machine safety', () => {
  const c = new CommittedLog();
  c.recordApply('1', applied(1, 1), 1);
  c.recordApply('2', applied(1, 1), 1);
  assert.equal(c.size(), 1);
  throwsViolation(() => c.recordApply('3', applied(1, 1, 'other'), 1), 'state-machine-safety', /index 1 applied as .* on 1 but as .* on 3/);
  throwsViolation(() => c.recordApply('3', applied(3, 1), 1), 'state-machine-safety', /applied index 3 but no node has applied index 2/);
  throwsViolation(() => c.recordStateMachine('3', [applied(1, 1), applied(3, 1)], 1), 'state-machine-safety', /index 3 at position 2/);
});

test('a leader of a later term lacking an acknowledged entry breaks leader completeness; one of the same term may lack it', () => {
  const c = new CommittedLog();
  c.recordApply('1', applied(1, 1), 1);
  c.recordApply('1', applied(2, 2), 2);
  const log = new Map([
    [1, 1],
    [2, 3],
  ]);
  // Each view is a different incarnation: the checker remembers what it verified per (node, life, term).
  const leader = (term: number, incarnation: number, firstIndex = 1): Parameters<CommittedLog['checkLeader']>[0] => ({
    id: '3',
    incarnation,
    term,
    firstIndex,
    lastIndex: 2,
    termAt: (i) => log.get(i),
  });
  c.checkLeader(leader(2, 1)); // entry 2 was acknowledged at term 2: a term-2 leader need not have it
  c.checkLeader(leader(3, 2, 3)); // compacted past it: covered by state machine safety
  throwsViolation(() => c.checkLeader(leader(3, 3)), 'leader-completeness', /3, leader of term 3, lacks entry 2\/2 .* its log has term 3/);
});

test('discarding an acknowledged entry or holding it on less than a quorum breaks durability', () => {
  const c = new CommittedLog();
  c.recordApply('1', applied(1, 1), 1);
  c.recordApply('1', applied(2, 1), 1);
  c.checkDiscard('2', [{ index: 2, term: 2 }]); // a different entry at that index: not acknowledged
  throwsViolation(() => c.checkDiscard('2', [{ index: 2, term: 1 }]), 'durability', /2 discards acknowledged entry 2\/1/);
  const holding = (id: string, last: number, snapshotIndex = 0): DurableLogView => ({ id, snapshotIndex, termAt: (i) => (i <= last ? 1 : undefined) });
  const three = config(['1', '2', '3']);
  c.checkDurableQuorum([holding('1', 2), holding('2', 0, 2), holding('3', 1)], three);
  throwsViolation(() => c.checkDurableQuorum([holding('1', 2), holding('2', 1), holding('3', 1)], three), 'durability', /entry 2\/1 is durable only on \[1\]; the others form a quorum of voters=\(1 2 3\)/);
});

test('durability counts only voters of the newest configuration, and both halves of a joint one', () => {
  const c = new CommittedLog();
  c.recordApply('1', applied(1, 1), 1);
  const holds = (id: string, yes: boolean): DurableLogView => ({ id, snapshotIndex: 0, termAt: () => (yes ? 1 : undefined) });
  const nodes = [holds('1', true), holds('2', true), holds('3', false), holds('4', false)];
  // 1 and 2 hold it: 3 and 4 are no majority of (1 2 3 4), nor of the outgoing half (1 2 3).
  c.checkDurableQuorum(nodes, config(['1', '2', '3', '4']));
  c.checkDurableQuorum(nodes, config(['3', '4', '5'], ['1', '2', '3']));
  // Once 1 and 2 are gone from the configuration, the voters lacking it are a quorum.
  throwsViolation(() => c.checkDurableQuorum(nodes, config(['2', '3', '4'])), 'durability', /durable only on \[1 2\]; the others form a quorum of voters=\(2 3 4\)/);
});

test('the commit index may be re-learned after a restart but never goes back within a life or below what was persisted', () => {
  const m = new CommitIndexMonitor();
  m.recordDurable('1', 3);
  m.recordVolatile('1', 1, 5);
  m.recordVolatile('1', 2, 3); // restarted: back to the durable commit, fine
  throwsViolation(() => m.recordVolatile('1', 2, 2), 'commit-monotonic', /commit 2 in memory, below its persisted commit 3/);
  m.recordVolatile('1', 2, 4);
  throwsViolation(() => m.recordVolatile('1', 2, 3), 'commit-monotonic', /went back from 4 to 3/);
  throwsViolation(() => m.recordDurable('1', 2), 'commit-monotonic', /persisted commit 2 after having persisted 3/);
});

test('a read index below what was committed when the read was issued breaks read-index safety', () => {
  const r = new ReadIndexMonitor();
  r.issue('r1', 4);
  r.observe('1', 'r1', 4);
  r.observe('1', 'unknown', 0);
  throwsViolation(() => r.observe('2', 'r1', 3), 'read-index-safety', /got read index 3 for r1, issued after index 4/);
});
