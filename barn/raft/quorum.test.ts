import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult } from './quorum.ts';

const acked = (m: Record<string, number>) => (id: string) => m[id];

test('the majority committed index is the highest index a majority acknowledged', () => {
  assert.equal(majorityCommittedIndex(new Set(['1', '2', '3']), acked({ '1': 5, '2': 3, '3': 1 })), 3);
  assert.equal(majorityCommittedIndex(new Set(['1', '2', '3', '4']), acked({ '1': 5, '2': 3, '3': 4, '4': 1 })), 3);
  assert.equal(majorityCommittedIndex(new Set(['1', '2', '3']), acked({ '1': 5 })), 0);
  assert.equal(majorityCommittedIndex(new Set(), acked({})), Number.POSITIVE_INFINITY);
});

test('a joint config commits the minimum of both majorities', () => {
  const cfg = { incoming: new Set(['1', '2', '3']), outgoing: new Set(['3', '4', '5']) };
  assert.equal(jointCommittedIndex(cfg, acked({ '1': 9, '2': 9, '3': 4, '4': 2, '5': 1 })), 2);
  assert.equal(jointCommittedIndex({ incoming: new Set(['1']), outgoing: new Set() }, acked({ '1': 7 })), 7);
});

test('majority votes: won with a majority granted, lost when a majority can no longer be reached', () => {
  const voters = new Set(['1', '2', '3', '4', '5']);
  const v = (m: Record<string, boolean>) => new Map(Object.entries(m));
  assert.equal(majorityVoteResult(voters, v({ '1': true, '2': true, '3': true })), 'won');
  assert.equal(majorityVoteResult(voters, v({ '1': true, '2': true, '3': false })), 'pending');
  assert.equal(majorityVoteResult(voters, v({ '1': true, '2': false, '3': false, '4': false })), 'lost');
  assert.equal(majorityVoteResult(new Set(), v({})), 'won');
});

test('joint votes need both halves: any half lost loses, otherwise pending until both win', () => {
  const cfg = { incoming: new Set(['1', '2', '3']), outgoing: new Set(['1', '4', '5']) };
  const v = (m: Record<string, boolean>) => new Map(Object.entries(m));
  assert.equal(jointVoteResult(cfg, v({ '1': true, '2': true })), 'pending');
  assert.equal(jointVoteResult(cfg, v({ '1': true, '2': true, '4': true })), 'won');
  assert.equal(jointVoteResult(cfg, v({ '1': true, '2': true, '4': false, '5': false })), 'lost');
});
