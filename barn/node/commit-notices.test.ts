import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageFrom, type Entry, type Message } from '../raft/types.ts';
import { CommitNotices, EAGER_TICKS } from './commit-notices.ts';

const entry: Entry = { index: 8, term: 2, type: 'normal', data: new Uint8Array([1]) };
const notice = (to: string, commit: number): Message => messageFrom({ type: 'app', to, index: 7, logTerm: 2, commit }, 'n1', 2);
const append = (to: string, commit: number): Message => messageFrom({ type: 'app', to, index: 7, logTerm: 2, entries: [entry], commit }, 'n1', 2);
const beat = (to: string): Message => messageFrom({ type: 'heartbeat', to, commit: 7 }, 'n1', 2);
const fromPeer = (type: 'prop' | 'read-index', from: string): Message => messageFrom({ type, to: 'n1' }, from, 2);
const all = (): boolean => true;

test('a notice to a follower nobody waits on is held, and the other messages leave in order', () => {
  const notices = new CommitNotices();
  const out = notices.route([beat('n2'), notice('n2', 7), notice('n3', 7), beat('n3')], all);
  assert.deepEqual(out.map((m) => `${m.type}>${m.to}`), ['heartbeat>n2', 'heartbeat>n3']);
  assert.deepEqual(notices.tick(true).map((m) => `${m.type}>${m.to}`), ['app>n2', 'app>n3'], 'held until the tick');
});

test('messages with nothing to hold are passed through as they are', () => {
  const notices = new CommitNotices();
  const messages = [append('n2', 7), beat('n3')];
  assert.equal(notices.route(messages, all), messages);
});

test('the next append to the follower drops the held notice: it carries the commit index too', () => {
  const notices = new CommitNotices();
  notices.route([notice('n2', 7), notice('n3', 7)], all);
  assert.deepEqual(notices.route([append('n2', 8)], all).map((m) => m.to), ['n2']);
  assert.deepEqual(notices.tick(true).map((m) => m.to), ['n3'], 'only the notice nothing superseded leaves at the tick');
  assert.deepEqual(notices.tick(true), [], 'and only once');
});

test('a later notice replaces the one held', () => {
  const notices = new CommitNotices();
  notices.route([notice('n2', 7)], all);
  notices.route([notice('n2', 9)], all);
  assert.deepEqual(notices.tick(true).map((m) => m.commit), [9]);
});

test('a follower that forwarded a proposal or a read gets its notices at once, for EAGER_TICKS ticks', () => {
  for (const type of ['prop', 'read-index'] as const) {
    const notices = new CommitNotices();
    notices.received(fromPeer(type, 'n2'));
    notices.received(messageFrom({ type: 'app-resp', to: 'n1' }, 'n3', 2)); // an ack asks for nothing
    assert.deepEqual(notices.route([notice('n2', 7), notice('n3', 7)], all).map((m) => m.to), ['n2']);
    for (let t = 1; t < EAGER_TICKS; t++) notices.tick(true);
    assert.deepEqual(notices.route([notice('n2', 8)], all).map((m) => m.to), ['n2'], `${type}: still eager before the last tick`);
    notices.tick(true);
    assert.deepEqual(notices.route([notice('n2', 9)], all), [], `${type}: held again once eagerness wore off`);
  }
});

test('an empty append to a follower not in the replicate state is a probe and always leaves', () => {
  const notices = new CommitNotices();
  const out = notices.route([notice('n2', 7), notice('n3', 7)], (peer) => peer === 'n3');
  assert.deepEqual(out.map((m) => m.to), ['n2']);
});

test('held notices are dropped at the tick when this node no longer leads', () => {
  const notices = new CommitNotices();
  notices.route([notice('n2', 7)], all);
  assert.deepEqual(notices.tick(false), []);
  assert.deepEqual(notices.tick(true), [], 'and not kept for a later tick');
});
