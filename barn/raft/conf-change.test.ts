import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enterJoint, leaveJoint, restore, simple } from './conf-change.ts';
import type { ChangeResult, ChangerInput } from './conf-change.ts';
import { decodeConfChange, encodeConfChange, entersJoint, LEAVE_JOINT, parseConfChangeSingle } from './conf-change-codec.ts';
import { configToConfState, describeConfig } from './tracker.ts';
import type { ConfChangeSingle, ConfState } from './types.ts';

const cs = (voters: string[], learners: string[] = []): ConfState => ({ voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false });

function input(state: ConfState): ChangerInput {
  const r = restore(state, 10, 16, 0);
  assert.ok(r.ok);
  return { config: r.config, progress: r.progress, lastIndex: 10, maxInflight: 16, maxInflightBytes: 0 };
}

function ok(r: ChangeResult): ChangerInput {
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { config: r.config, progress: r.progress, lastIndex: 10, maxInflight: 16, maxInflightBytes: 0 };
}

const ccs = (text: string): ConfChangeSingle[] => text.split(' ').map((t) => parseConfChangeSingle(t) as ConfChangeSingle);

test('a simple change adds or removes one voter and adds learners freely', () => {
  let c = ok(simple(input(cs(['1'])), ccs('v2')));
  assert.equal(describeConfig(c.config), 'voters=(1 2)');
  c = ok(simple(c, ccs('l3 l4')));
  assert.equal(describeConfig(c.config), 'voters=(1 2) learners=(3 4)');
  c = ok(simple(c, ccs('v3')));
  assert.equal(describeConfig(c.config), 'voters=(1 2 3) learners=(4)');
  assert.equal(c.progress.get('3')?.isLearner, false);
  c = ok(simple(c, ccs('r1')));
  assert.equal(describeConfig(c.config), 'voters=(2 3) learners=(4)');
  assert.equal(c.progress.has('1'), false);
});

test('a simple change of two voters is refused as data, leaving the input untouched', () => {
  const before = input(cs(['1']));
  const r = simple(before, ccs('v2 v3'));
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.error.code, 'RAFT_CONF_TOO_MANY_VOTER_CHANGES');
  assert.equal(describeConfig(before.config), 'voters=(1)');
  assert.equal(before.progress.size, 1);
});

test('removing every voter is refused', () => {
  const r = simple(input(cs(['1'])), ccs('r1'));
  assert.equal(r.ok ? '' : r.error.code, 'RAFT_CONF_ZERO_VOTERS');
});

test('entering a joint config keeps the old voters as the outgoing half; leaving drops them', () => {
  let c = ok(enterJoint(input(cs(['1', '2', '3'])), true, ccs('v4 r2')));
  assert.equal(describeConfig(c.config), 'voters=(1 3 4)&&(1 2 3) autoleave');
  assert.equal(c.progress.has('2'), true); // still an outgoing voter
  c = ok(leaveJoint(c));
  assert.equal(describeConfig(c.config), 'voters=(1 3 4)');
  assert.equal(c.progress.has('2'), false);
});

test('demoting a voter inside a joint change goes through learnersNext', () => {
  let c = ok(enterJoint(input(cs(['1', '2', '3'])), false, ccs('l3')));
  assert.equal(describeConfig(c.config), 'voters=(1 2)&&(1 2 3) learners_next=(3)');
  c = ok(leaveJoint(c));
  assert.equal(describeConfig(c.config), 'voters=(1 2) learners=(3)');
  assert.equal(c.progress.get('3')?.isLearner, true);
});

test('joint misuse is refused: entering twice, leaving when not joint, simple changes while joint', () => {
  const joint = ok(enterJoint(input(cs(['1', '2'])), false, ccs('v3')));
  const codes = [enterJoint(joint, false, ccs('v4')), leaveJoint(input(cs(['1']))), simple(joint, ccs('l5'))].map((r) => (r.ok ? 'ok' : r.error.code));
  assert.deepEqual(codes, ['RAFT_CONF_ALREADY_JOINT', 'RAFT_CONF_NOT_JOINT', 'RAFT_CONF_ALREADY_JOINT']);
});

test('restore rebuilds a joint configuration from its ConfState', () => {
  const state: ConfState = { voters: ['1', '4'], votersOutgoing: ['1', '2', '3'], learners: ['5'], learnersNext: ['3'], autoLeave: true };
  const c = input(state);
  assert.deepEqual(configToConfState(c.config), state);
  assert.deepEqual([...c.progress.keys()].sort(), ['1', '2', '3', '4', '5']);
});

test('conf changes round-trip through the entry encoding; empty data means leave joint', () => {
  const cc = { changes: ccs('v2 l3'), transition: 'explicit' as const, context: 'http://n2' };
  assert.deepEqual(decodeConfChange(encodeConfChange(cc)), cc);
  assert.deepEqual(decodeConfChange(new Uint8Array()), LEAVE_JOINT);
  assert.deepEqual(entersJoint({ changes: ccs('v2'), transition: 'auto', context: '' }), { joint: false, autoLeave: false });
  assert.deepEqual(entersJoint({ changes: ccs('v2 v3'), transition: 'auto', context: '' }), { joint: true, autoLeave: true });
  assert.deepEqual(entersJoint({ changes: ccs('v2'), transition: 'explicit', context: '' }), { joint: true, autoLeave: false });
});
