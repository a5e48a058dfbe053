import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KvEvent } from './backend.ts';
import { applyBatch } from './apply.ts';
import type { Command } from './commands.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import { encodeSnapshot, restoreSnapshot } from './snapshot.ts';
import type { WatchClose, WatchHubOptions } from './watch-hub.ts';
import { WatchHub } from './watch-hub.ts';

/** A node in miniature: applies commands one entry per batch and notifies the hub after each commit. */
function node(options?: WatchHubOptions) {
  const backend = new MemoryBackend();
  const hub = new WatchHub(backend, options);
  let index = 0;
  const apply = (commands: Command[], notify = true): void => {
    const entries = commands.map((c) => ({ index: ++index, type: 'normal' as const, data: encodeCommand(c) }));
    const { events } = applyBatch(backend, entries);
    if (notify) hub.notify(events);
  };
  return { backend, hub, apply };
}

const put = (key: string, value: unknown = key) => ({ type: 'put' as const, key, value });
const puts = (n: number, prefix = '/k') => Array.from({ length: n }, (_, i) => put(`${prefix}${i}`, i));
const show = (events: readonly KvEvent[]): string[] => events.map((e) => `${e.revision}:${e.type}:${e.record.key}`);

/** A recording client; `accept` decides per call whether it can take more (backpressure). */
function client(accept: () => boolean = () => true) {
  const batches: string[][] = [];
  const closes: WatchClose[] = [];
  return {
    batches,
    closes,
    all: (): string[] => batches.flat(),
    send: (events: readonly KvEvent[]): boolean => {
      batches.push(show(events));
      return accept();
    },
    onClose: (reason: WatchClose): void => void closes.push(reason),
  };
}

test('a watch catches up from history, then receives live events, with no gap and no duplicate', () => {
  const { hub, apply } = node();
  apply([put('/a'), put('/b'), { type: 'delete', key: '/a' }]);
  const c = client();
  assert.equal(hub.watch('', 2, c.send, c.onClose).ok, true);
  assert.deepEqual(c.all(), ['2:put:/b', '3:delete:/a']);
  apply([put('/c')]);
  apply([{ type: 'txn', compare: [], success: [put('/d'), put('/e')], failure: [] }]);
  assert.deepEqual(c.all(), ['2:put:/b', '3:delete:/a', '4:put:/c', '5:put:/d', '5:put:/e']);
  assert.deepEqual(c.batches.at(-1), ['5:put:/d', '5:put:/e'], 'a revision arrives in one batch');
});

test('a notify for a batch the catch-up already delivered is not delivered twice', () => {
  const { backend, hub, apply } = node();
  apply([put('/a')]);
  const { events } = applyBatch(backend, [{ index: 2, type: 'normal', data: encodeCommand(put('/b')) }]);
  const c = client();
  hub.watch('', 1, c.send); // registered after the commit, before its notify
  hub.notify(events);
  assert.deepEqual(c.all(), ['1:put:/a', '2:put:/b']);
});

test('a missed notify is detected as a gap and filled from history', () => {
  const { hub, apply } = node();
  const c = client();
  hub.watch('', undefined, c.send);
  apply([put('/a')]);
  apply([put('/b'), put('/c')], false); // the node loop forgot to notify
  apply([put('/d')]);
  assert.deepEqual(c.all(), ['1:put:/a', '2:put:/b', '3:put:/c', '4:put:/d']);
});

test('watches see only their prefix, and an omitted fromRevision means live events only', () => {
  const { hub, apply } = node();
  apply([put('/runink/agents/n1'), put('/runink/agents/n10')]);
  const only = client();
  const everything = client();
  hub.watch('/runink/agents/n1/', 1, only.send);
  hub.watch('/runink/', undefined, everything.send);
  apply([put('/runink/agents/n1/lease'), put('/runink/agents/n10/lease'), put('/other')]);
  assert.deepEqual(only.all(), ['3:put:/runink/agents/n1/lease']);
  assert.deepEqual(everything.all(), ['3:put:/runink/agents/n1/lease', '4:put:/runink/agents/n10/lease']);
});

test('a watch from a future revision waits for it', () => {
  const { hub, apply } = node();
  const c = client();
  hub.watch('', 3, c.send);
  apply(puts(4));
  assert.deepEqual(c.all(), ['3:put:/k2', '4:put:/k3']);
});

test('catch-up reads history in pages without splitting a revision', () => {
  const { hub, apply } = node({ catchUpPageSize: 3 });
  apply([put('/a'), { type: 'txn', compare: [], success: puts(7, '/t'), failure: [] }, put('/b'), put('/c')]);
  const c = client();
  hub.watch('', 1, c.send);
  assert.equal(c.all().length, 10);
  for (const batch of c.batches) {
    const revisions = batch.map((e) => e.split(':')[0]);
    const txnEvents = revisions.filter((r) => r === '2').length;
    assert.ok(txnEvents === 0 || txnEvents === 7, `revision 2 is split: ${batch.join(' ')}`);
  }
  assert.deepEqual(c.all(), [...c.all()].sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0])));
});

test('a paused live watcher buffers and gets everything in order on resume', () => {
  const { hub, apply } = node();
  let open = false;
  const c = client(() => open);
  const started = hub.watch('', undefined, c.send);
  assert.ok(started.ok);
  apply([put('/a')]); // delivered, then the client pauses
  apply([put('/b')]);
  apply([put('/c')]);
  assert.deepEqual(c.all(), ['1:put:/a']);
  assert.equal(started.handle.lastRevision(), 1);
  open = true;
  started.handle.resume();
  assert.deepEqual(c.all(), ['1:put:/a', '2:put:/b', '3:put:/c']);
  assert.equal(started.handle.lastRevision(), 3);
});

test('a paused watcher whose buffer overflows is closed with BARN_WATCH_OVERFLOW; re-watching from lastRevision + 1 loses nothing', () => {
  const { hub, apply } = node({ maxBufferedEvents: 3 });
  const c = client(() => false);
  const started = hub.watch('/k', undefined, c.send, c.onClose);
  assert.ok(started.ok);
  apply(puts(5));
  for (let i = 0; i < 4; i++) apply([put('/other')]); // non-matching events take no buffer space
  assert.equal(c.closes.length, 0);
  apply(puts(4, '/k1')); // 1 delivered → 4 buffered > 3
  assert.equal(c.closes.length, 1);
  const [closed] = c.closes;
  assert.equal(closed!.code, 'BARN_WATCH_OVERFLOW');
  assert.equal(started.handle.isClosed(), true);
  assert.equal(hub.size(), 0);
  apply([put('/k-late')]);
  const again = client();
  hub.watch('/k', closed!.lastRevision + 1, again.send);
  assert.deepEqual(
    [...c.all(), ...again.all()].map((e) => e.split(':')[2]),
    ['/k0', '/k1', '/k2', '/k3', '/k4', '/k10', '/k11', '/k12', '/k13', '/k-late'],
  );
});

test('a watcher paused during catch-up reads on at resume, and is closed with BARN_COMPACTED if its history was compacted meanwhile', () => {
  const { hub, apply } = node({ catchUpPageSize: 2 });
  apply(puts(6));
  let open = false;
  const c = client(() => open);
  const started = hub.watch('', 1, c.send, c.onClose);
  assert.ok(started.ok);
  assert.deepEqual(c.all(), ['1:put:/k0', '2:put:/k1']);
  apply([put('/live')]); // ignored while catching up: history has it
  open = true;
  started.handle.resume();
  assert.deepEqual(c.all().map((e) => e.split(':')[0]), ['1', '2', '3', '4', '5', '6', '7']);

  const slow = client(() => false);
  const paused = hub.watch('', 1, slow.send, slow.onClose);
  assert.ok(paused.ok);
  apply([{ type: 'compact', revision: 5 }]);
  paused.handle.resume();
  assert.deepEqual(slow.closes.map((x) => [x.code, x.lastRevision, x.compactedRevision]), [['BARN_COMPACTED', 2, 5]]);
});

test('cancel stops delivery at once and is idempotent', () => {
  const { hub, apply } = node();
  const c = client();
  const started = hub.watch('', undefined, c.send, c.onClose);
  assert.ok(started.ok);
  apply([put('/a')]);
  started.handle.cancel();
  started.handle.cancel();
  apply([put('/b')]);
  assert.deepEqual(c.all(), ['1:put:/a']);
  assert.deepEqual(c.closes, [], 'onClose is only for closes the hub decides');
  assert.equal(hub.size(), 0);
});

test('after a snapshot restore, resync catches watchers up from the restored history or closes them', () => {
  const leader = node();
  leader.apply(puts(8));
  leader.apply([{ type: 'compact', revision: 4 }]);
  const follower = node();
  follower.apply(puts(2));
  const near = client();
  const far = client();
  follower.hub.watch('', 1, far.send, far.onClose);
  follower.hub.watch('', 5, near.send, near.onClose);
  follower.backend.write((w) => restoreSnapshot(w, encodeSnapshot(leader.backend)));
  follower.hub.resync();
  assert.deepEqual(near.all(), ['5:put:/k4', '6:put:/k5', '7:put:/k6', '8:put:/k7']);
  assert.deepEqual(near.closes, []);
  assert.deepEqual(far.closes.map((x) => [x.code, x.lastRevision]), [['BARN_COMPACTED', 2]]);
});
