import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEntry } from './apply.ts';
import { autoCompactRevision, compactCommand } from './compaction.ts';
import type { Command } from './commands.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import { WatchHub } from './watch-hub.ts';

function store(commands: Command[]): MemoryBackend {
  const b = new MemoryBackend();
  commands.forEach((c, i) => b.write((w) => applyEntry(w, i + 1, encodeCommand(c))));
  return b;
}

const puts = (n: number): Command[] => Array.from({ length: n }, (_, i) => ({ type: 'put', key: `/k${i % 3}`, value: i }));

test('compaction drops history below the revision and keeps every record at its latest value', () => {
  const b = store([...puts(9), compactCommand(7)]);
  assert.equal(b.compactedRevision(), 7);
  assert.equal(b.revision(), 9, 'compaction does not bump the revision');
  assert.deepEqual(b.history('', undefined, 7).map((e) => e.revision), [7, 8, 9]);
  assert.deepEqual(b.range('', undefined).map((r) => [r.key, r.value, r.version]), [['/k0', 6, 3], ['/k1', 7, 3], ['/k2', 8, 3]]);
});

test('a watch from below the compaction point fails with BARN_COMPACTED and the compaction point', () => {
  const b = store([...puts(9), compactCommand(7)]);
  const hub = new WatchHub(b);
  const refused = hub.watch('', 6, () => {});
  assert.deepEqual(!refused.ok && [refused.code, refused.compactedRevision], ['BARN_COMPACTED', 7]);
  const seen: number[] = [];
  const ok = hub.watch('', 7, (events) => void seen.push(...events.map((e) => e.revision)));
  assert.equal(ok.ok, true);
  assert.deepEqual(seen, [7, 8, 9]);
});

test('autoCompactRevision keeps the last `retain` revisions and moves only in steps', () => {
  assert.equal(autoCompactRevision(100, 10), 91);
  assert.equal(autoCompactRevision(5, 10), undefined, 'nothing to drop yet');
  assert.equal(autoCompactRevision(100, 10, 91), undefined, 'already there');
  assert.equal(autoCompactRevision(100, 10, 85, 10), undefined, 'moving by 6 is below the step');
  assert.equal(autoCompactRevision(100, 10, 81, 10), 91);
  assert.equal(autoCompactRevision(100, 0), 100, 'retain is at least one revision');
});

test('the auto-compaction revision is always accepted by the compact command', () => {
  const b = store(puts(50));
  const target = autoCompactRevision(b.revision(), 20, b.compactedRevision());
  assert.equal(target, 31);
  const r = b.write((w) => applyEntry(w, 51, encodeCommand(compactCommand(target!))));
  assert.equal(r.ok, true);
  assert.equal(b.history('', undefined, target!).length, 20);
});
