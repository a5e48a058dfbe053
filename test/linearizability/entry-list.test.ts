import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEntryList, lift, unlift } from './entry-list.ts';
import type { EntryList } from './entry-list.ts';

/** The list as "c<op>"/"r<op>" tokens from head to tail. */
function walk(list: EntryList): string[] {
  const out: string[] = [];
  for (let e = list.next[list.head] as number; e !== list.tail; e = list.next[e] as number) out.push(`${list.isCall[e] === 1 ? 'c' : 'r'}${list.opOf[e]}`);
  return out;
}

test('events are in time order, calls before returns at equal times, unknown returns last', () => {
  const list = buildEntryList([
    { call: 0, ret: 10 },
    { call: 10, ret: 20 },
    { call: 5, ret: Number.POSITIVE_INFINITY },
    { call: 1, ret: Number.POSITIVE_INFINITY },
  ]);
  assert.deepEqual(walk(list), ['c0', 'c3', 'c2', 'c1', 'r0', 'r1', 'r2', 'r3']);
});

test('each call entry is matched with its own return entry', () => {
  const list = buildEntryList([{ call: 0, ret: 3 }, { call: 1, ret: 2 }]);
  for (let e = 1; e < list.tail; e++) {
    const m = list.match[e] as number;
    assert.equal(list.opOf[m], list.opOf[e]);
    assert.notEqual(list.isCall[m], list.isCall[e]);
  }
});

test('lifting an op removes both its entries and unlifting in reverse order restores the list', () => {
  const list = buildEntryList([{ call: 0, ret: 10 }, { call: 2, ret: 5 }, { call: 3, ret: 12 }]);
  const before = walk(list);
  const callOf = (op: number): number => [...Array(list.tail).keys()].find((e) => list.opOf[e] === op && list.isCall[e] === 1) as number;
  lift(list, callOf(1));
  assert.deepEqual(walk(list), ['c0', 'c2', 'r0', 'r2']);
  lift(list, callOf(0));
  assert.deepEqual(walk(list), ['c2', 'r2']);
  unlift(list, callOf(0));
  unlift(list, callOf(1));
  assert.deepEqual(walk(list), before);
});
