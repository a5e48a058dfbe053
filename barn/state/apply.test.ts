import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KvBackend, KvWriter } from './backend.ts';
import type { ApplyResult } from './apply.ts';
import { applyBatch, applyEntry } from './apply.ts';
import type { Command, Compare } from './commands.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import { formatState } from './testing/format.ts';

function applier(backend = new MemoryBackend()): { backend: MemoryBackend; apply: (c: Command) => ApplyResult } {
  let index = 0;
  return { backend, apply: (c) => backend.write((w) => applyEntry(w, ++index, encodeCommand(c))) };
}

test('each compare kind holds or fails as specified, on present and missing keys', () => {
  const { backend, apply } = applier();
  apply({ type: 'put', key: '/k', value: 'x' }); // rev 1
  apply({ type: 'put', key: '/k', value: { n: 5, s: 'b' } }); // rev 2: create 1, mod 2, version 2
  apply({ type: 'put', key: '/num', value: 10 }); // rev 3
  const cases: Array<[Compare, boolean]> = [
    [{ key: '/k', target: 'exists' }, true],
    [{ key: '/nope', target: 'exists' }, false],
    [{ key: '/nope', target: 'missing' }, true],
    [{ key: '/k', target: 'missing' }, false],
    [{ key: '/k', target: 'value', op: '=', value: { s: 'b', n: 5 } }, true],
    [{ key: '/k', target: 'value', op: '=', value: { n: 5 } }, false],
    [{ key: '/k', target: 'value', op: '!=', value: { n: 5 } }, true],
    [{ key: '/k', target: 'value', op: '<', value: { n: 6 } }, false],
    [{ key: '/num', target: 'value', op: '<', value: 11 }, true],
    [{ key: '/num', target: 'value', op: '>', value: 11 }, false],
    [{ key: '/num', target: 'value', op: '>', value: '9' }, false],
    [{ key: '/num', target: 'value', op: '<', value: '9' }, false],
    [{ key: '/nope', target: 'value', op: '!=', value: 1 }, false],
    [{ key: '/nope', target: 'value', op: '=', value: null }, false],
    [{ key: '/k', target: 'modRevision', op: '=', value: 2 }, true],
    [{ key: '/k', target: 'modRevision', op: '>', value: 1 }, true],
    [{ key: '/k', target: 'createRevision', op: '=', value: 1 }, true],
    [{ key: '/k', target: 'createRevision', op: '!=', value: 1 }, false],
    [{ key: '/k', target: 'version', op: '<', value: 3 }, true],
    [{ key: '/k', target: 'version', op: '>', value: 2 }, false],
    [{ key: '/nope', target: 'version', op: '=', value: 0 }, true],
    [{ key: '/nope', target: 'modRevision', op: '<', value: 1 }, true],
    [{ key: '/nope', target: 'createRevision', op: '>', value: 0 }, false],
  ];
  for (const [compare, holds] of cases) {
    const r = apply({ type: 'txn', compare: [compare], success: [], failure: [] });
    assert.equal(r.ok && r.succeeded, holds, JSON.stringify(compare));
  }
  assert.equal(backend.revision(), 3, 'txns without ops never bump the revision');
});

test('string values compare in code point order', () => {
  const { apply } = applier();
  apply({ type: 'put', key: '/s', value: '\uffff' });
  const r = apply({ type: 'txn', compare: [{ key: '/s', target: 'value', op: '<', value: '😀' }], success: [], failure: [] });
  assert.equal(r.ok && r.succeeded, true);
});

test('a txn runs exactly one branch, all its ops at one shared revision', () => {
  const { backend, apply } = applier();
  apply({ type: 'put', key: '/gate', value: 'open' });
  const ops = [
    { type: 'put', key: '/x', value: 1 },
    { type: 'put', key: '/y', value: 2 },
  ] as const;
  const ok = apply({ type: 'txn', compare: [{ key: '/gate', target: 'value', op: '=', value: 'open' }], success: ops, failure: [] });
  assert.equal(ok.ok && ok.succeeded, true);
  assert.equal(ok.revision, 2);
  assert.deepEqual(backend.range('/x', '/z').map((r) => [r.key, r.modRevision]), [['/x', 2], ['/y', 2]]);
  assert.deepEqual(backend.history('', undefined, 2).map((e) => e.revision), [2, 2]);

  const failed = apply({
    type: 'txn',
    compare: [{ key: '/gate', target: 'exists' }, { key: '/gate', target: 'value', op: '=', value: 'closed' }],
    success: [{ type: 'delete-range', prefix: '/' }],
    failure: [{ type: 'put', key: '/why', value: 'closed' }],
  });
  assert.ok(failed.ok);
  assert.equal(failed.succeeded, false);
  assert.deepEqual(failed.failedCompare, { index: 1, current: backend.get('/gate') });
  assert.deepEqual(backend.range('', undefined).map((r) => r.key), ['/gate', '/why', '/x', '/y'], 'success ops did not run');
});

test('a failed ifRevision returns BARN_COMPARE_FAILED with the current record and writes nothing', () => {
  const { backend, apply } = applier();
  apply({ type: 'put', key: '/a', value: 1 });
  const before = formatState(backend);
  const r = apply({ type: 'put', key: '/a', value: 2, ifRevision: 0 });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'BARN_COMPARE_FAILED');
  assert.deepEqual(!r.ok && r.current, backend.get('/a'));
  const missing = apply({ type: 'delete', key: '/b', ifRevision: 3 });
  assert.equal(!missing.ok && missing.current, null);
  assert.equal(formatState(backend).replace(/applied=\d+/, ''), before.replace(/applied=\d+/, ''));
});

test('delete-range deletes exactly the prefix, in key order, at one revision', () => {
  const { backend, apply } = applier();
  for (const key of ['/p', '/p/b', '/p/a', '/p0', '/q']) apply({ type: 'put', key, value: key });
  const r = apply({ type: 'delete-range', prefix: '/p/' });
  assert.ok(r.ok);
  const [result] = r.results;
  assert.equal(result?.type, 'delete-range');
  assert.deepEqual(result.type === 'delete-range' && result.deleted.map((d) => [d.key, d.value, d.modRevision]), [
    ['/p/a', '/p/a', 3],
    ['/p/b', '/p/b', 2],
  ]);
  assert.deepEqual(backend.range('', undefined).map((x) => x.key), ['/p', '/p0', '/q']);
  assert.deepEqual(r.events.map((e) => [e.type, e.revision, e.record.key, e.record.value]), [
    ['delete', 6, '/p/a', null],
    ['delete', 6, '/p/b', null],
  ]);
  const none = apply({ type: 'delete-range', prefix: '/nothing/' });
  assert.equal(none.revision, 6);
});

test('re-applying the same index changes nothing and reports it was skipped', () => {
  const backend = new MemoryBackend();
  const data = encodeCommand({ type: 'put', key: '/a', value: 1 });
  const first = backend.write((w) => applyEntry(w, 1, data));
  const state = formatState(backend);
  const again = backend.write((w) => applyEntry(w, 1, data));
  assert.equal(first.ok && first.command, 'put');
  assert.deepEqual(again, { ok: true, command: 'skipped', revision: 1, results: [], events: [] });
  assert.equal(formatState(backend), state);
});

test('an empty entry only advances the applied index', () => {
  const backend = new MemoryBackend();
  const r = backend.write((w) => applyEntry(w, 3, new Uint8Array()));
  assert.deepEqual(r, { ok: true, command: 'noop', revision: 0, results: [], events: [] });
  assert.equal(backend.appliedIndex(), 3);
});

/** A backend whose write transactions throw at the n-th putRecord (a disk error in the middle of a batch). */
function failingAt(inner: MemoryBackend, n: number): KvBackend {
  return Object.assign(Object.create(inner) as MemoryBackend, {
    write<T>(fn: (w: KvWriter) => T): T {
      let puts = 0;
      return inner.write((w) => {
        const putRecord = (r: Parameters<KvWriter['putRecord']>[0]): void => {
          if (++puts === n) throw new Error('EIO');
          w.putRecord(r);
        };
        return fn(new Proxy(w, { get: (t, p) => (p === 'putRecord' ? putRecord : (t as never)[p]) }));
      });
    },
  });
}

test('applyBatch is all-or-nothing: a backend failure mid-batch applies no entry, and a retry applies them once', () => {
  const entries = [
    { index: 1, type: 'normal' as const, data: encodeCommand({ type: 'put', key: '/a', value: 1 }) },
    { index: 2, type: 'conf-change' as const, data: new Uint8Array([1, 2, 3]) },
    { index: 3, type: 'normal' as const, data: new Uint8Array() },
    { index: 4, type: 'normal' as const, data: encodeCommand({ type: 'put', key: '/b', value: 2 }) },
  ];
  const backend = new MemoryBackend();
  assert.throws(() => applyBatch(failingAt(backend, 2), entries), /EIO/);
  assert.equal(formatState(backend), 'revision=0 applied=0 compacted=0');
  const { results, events } = applyBatch(backend, entries);
  assert.deepEqual(results.map((r) => r.ok && r.command), ['put', 'noop', 'noop', 'put']);
  assert.deepEqual(events.map((e) => e.record.key), ['/a', '/b']);
  const again = applyBatch(backend, entries);
  assert.deepEqual(again.results.map((r) => r.ok && r.command), ['skipped', 'skipped', 'skipped', 'skipped']);
  assert.equal(formatState(backend), ['revision=2 applied=4 compacted=0', '  /a=1 c=1 m=1 v=1', '  /b=2 c=2 m=2 v=1', '  @1 put /a=1 c=1 m=1 v=1', '  @2 put /b=2 c=2 m=2 v=1'].join('\n'));
});
