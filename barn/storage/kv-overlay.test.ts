// The write-back layers on their own, over a base held in arrays (lmdb-kv-differential.test.ts checks them
// against MemoryBackend through the store).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfState } from '../raft/types.ts';
import type { KvEvent, KvRecord } from '../state/backend.ts';
import { compareKeys, inRange } from '../state/key-order.ts';
import { KvOverlay, LayeredReads, type KvBase, type SequencedEvent } from './kv-overlay.ts';

function rec(key: string, rev: number): KvRecord {
  return { key, value: `v${rev}`, createRevision: rev, modRevision: rev, version: 1 };
}

function put(key: string, rev: number, seq = 0): SequencedEvent {
  const event: KvEvent = { type: 'put', revision: rev, record: rec(key, rev) };
  return { event, seq };
}

function arrayBase(records: KvRecord[], events: SequencedEvent[]): KvBase {
  const sorted = [...records].sort((a, b) => compareKeys(a.key, b.key));
  return {
    get: (key) => sorted.find((r) => r.key === key),
    range: (start, end) => sorted.filter((r) => inRange(r.key, start, end)),
    events: (from) => events.filter((e) => e.event.revision >= from),
    newestEventRevision: () => events.at(-1)?.event.revision ?? 0,
    eventCount: (rev) => events.filter((e) => e.event.revision === rev).length,
    counter: () => 0,
    confState: (): ConfState | undefined => undefined,
    checkKey: () => undefined,
  };
}

test('a range merges the env with the layers in UTF-8 key order, newest layer winning, deletes hidden, limit kept', () => {
  const base = arrayBase([rec('a', 1), rec('c', 2), rec('\u{1F600}', 3), rec('\uFFFD', 4)], []);
  const overlay = new KvOverlay();
  overlay.records.set('b', rec('b', 5));
  overlay.records.set('c', null);
  const delta = new KvOverlay();
  delta.records.set('c', rec('c', 6));
  delta.records.set('a', null);
  const reads = new LayeredReads(base, () => [overlay, delta]);
  assert.deepEqual(reads.range('', undefined).map((r) => `${r.key}@${r.modRevision}`), ['b@5', 'c@6', '\uFFFD@4', '\u{1F600}@3']);
  assert.deepEqual(reads.range('b', '\uFFFD', 1).map((r) => r.key), ['b']);
  assert.equal(reads.get('a'), undefined);
  assert.equal(reads.get('c')?.modRevision, 6);
});

test('a delta that compacts and then lowers the compaction point (a snapshot restore) drops the older events of every layer', () => {
  const base = arrayBase([], [put('a', 1), put('b', 2)]);
  const overlay = new KvOverlay();
  overlay.events.push(put('c', 3), put('d', 4));
  const delta = new KvOverlay();
  delta.dropBelow = 10; // compactHistory(10), then the restored events, then compactHistory(2)
  delta.events.push(put('x', 2), put('y', 3));
  const reads = (layers: KvOverlay[]): string[] => new LayeredReads(base, () => layers).history('', undefined, 0).map((e) => `${e.record.key}@${e.revision}`);
  assert.deepEqual(reads([overlay, delta]), ['x@2', 'y@3']);
  overlay.absorb(delta);
  assert.deepEqual(reads([overlay]), ['x@2', 'y@3'], 'after absorb the overlay no longer holds c@3 and d@4');
  assert.deepEqual(overlay.events.map((e) => e.event.record.key), ['x', 'y']);
});

test('the newest event counts the events of its revision across layers, and nothing once compacted away', () => {
  const base = arrayBase([], [put('a', 7, 0), put('b', 7, 1)]);
  const overlay = new KvOverlay();
  assert.deepEqual(new LayeredReads(base, () => [overlay]).newest(), { revision: 7, count: 2 });
  overlay.events.push(put('c', 7, 2));
  assert.deepEqual(new LayeredReads(base, () => [overlay]).newest(), { revision: 7, count: 3 });
  const delta = new KvOverlay();
  delta.dropBelow = 8;
  assert.deepEqual(new LayeredReads(base, () => [overlay, delta]).newest(), { revision: 0, count: 0 });
});
