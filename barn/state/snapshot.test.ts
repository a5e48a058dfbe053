import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEntry } from './apply.ts';
import type { Command } from './commands.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import { HEADER_SLOT, decodeSnapshot, encodeSnapshot, restoreSnapshot, writeSnapshot } from './snapshot.ts';
import { formatState } from './testing/format.ts';
import { WatchHub } from './watch-hub.ts';

function store(commands: Command[], b = new MemoryBackend(), firstIndex = 1): MemoryBackend {
  commands.forEach((c, i) => b.write((w) => applyEntry(w, firstIndex + i, encodeCommand(c))));
  return b;
}

const workload: Command[] = [
  { type: 'put', key: '/runink/applied-commit', value: 'c1' },
  { type: 'put', key: '/runink/pipelines/orders', value: { steps: ['validate', 'mask'], 'ü': '😀' } },
  { type: 'put', key: '/runink/agents/n1', value: { cpu: 4000 } },
  { type: 'delete', key: '/runink/agents/n1' },
  { type: 'txn', compare: [], success: [{ type: 'put', key: '/a', value: null }, { type: 'put', key: '/b', value: [1, { c: 2 }] }], failure: [] },
  { type: 'compact', revision: 3 },
  { type: 'put', key: '/a', value: 'line\nbreak' },
];

test('a snapshot restored into an empty store reproduces records, revision, applied index, compaction point and history', () => {
  const source = store(workload);
  const target = new MemoryBackend();
  const r = target.write((w) => restoreSnapshot(w, encodeSnapshot(source)));
  assert.deepEqual(r, { ok: true, revision: 6, appliedIndex: 7 });
  assert.equal(formatState(target), formatState(source));
  assert.deepEqual(encodeSnapshot(target), encodeSnapshot(source));
});

test('restoring over a store with other data replaces all of it', () => {
  const source = store(workload);
  const target = store(
    Array.from({ length: 20 }, (_, i): Command => ({ type: 'put', key: `/old/${i}`, value: i })),
  );
  target.write((w) => restoreSnapshot(w, encodeSnapshot(source)));
  assert.equal(formatState(target), formatState(source));
});

test('a restored store keeps applying entries exactly like the original', () => {
  const source = store(workload);
  const target = new MemoryBackend();
  target.write((w) => restoreSnapshot(w, encodeSnapshot(source)));
  const more: Command[] = [{ type: 'put', key: '/b', value: 3 }, { type: 'delete-range', prefix: '/runink/' }];
  store(more, source, 8);
  store(more, target, 8);
  assert.equal(formatState(target), formatState(source));
});

test('watches on a restored store catch up from the retained history', () => {
  const target = new MemoryBackend();
  target.write((w) => restoreSnapshot(w, encodeSnapshot(store(workload))));
  const seen: string[] = [];
  const hub = new WatchHub(target);
  assert.equal(hub.watch('', 3, (events) => void seen.push(...events.map((e) => `${e.revision} ${e.type} ${e.record.key}`))).ok, true);
  assert.deepEqual(seen, ['3 put /runink/agents/n1', '4 delete /runink/agents/n1', '5 put /a', '5 put /b', '6 put /a']);
  assert.equal(hub.watch('', 2, () => {}).ok, false);
});

test('a corrupt snapshot is reported as BARN_BAD_SNAPSHOT and changes nothing', () => {
  const good = new TextDecoder().decode(encodeSnapshot(store(workload)));
  const lines = good.trimEnd().split('\n');
  const corrupt = [
    '',
    'garbage',
    lines.slice(1).join('\n'),
    lines.slice(0, -1).join('\n'),
    [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'),
    good.replace('"version":1', '"version":0'),
    good.replace('"type":"delete"', '"type":"remove"'),
    good.replace('"compactedRevision":3', '"compactedRevision":99'),
  ];
  const target = store([{ type: 'put', key: '/keep', value: 1 }]);
  const before = formatState(target);
  for (const text of corrupt) {
    const r = target.write((w) => restoreSnapshot(w, new TextEncoder().encode(text)));
    assert.equal(!r.ok && r.code, 'BARN_BAD_SNAPSHOT', text.slice(0, 80));
  }
  assert.equal(formatState(target), before);
  assert.ok('header' in decodeSnapshot(encodeSnapshot(target)));
});

test('a snapshot larger than one read page keeps every record and every event, even a revision split by a page', () => {
  const commands: Command[] = [];
  for (let i = 0; i < 1500; i++) commands.push({ type: 'put', key: `/k/${String(i).padStart(5, '0')}`, value: i });
  // 3 events per revision: 999 events of singles then txns, so page boundaries (every 1,000) fall inside txns.
  for (let i = 0; i < 400; i++) {
    commands.push({ type: 'txn', compare: [], success: [0, 1, 2].map((j) => ({ type: 'put' as const, key: `/t/${i}/${j}`, value: j })), failure: [] });
  }
  const source = store(commands);
  const decoded = decodeSnapshot(encodeSnapshot(source));
  assert.ok('header' in decoded);
  assert.deepEqual(decoded.records, source.range('', undefined));
  assert.deepEqual(decoded.events, source.history('', undefined, 0));
  assert.equal(decoded.events.length, 1500 + 1200);
});

/** writeSnapshot into a growable in-memory "file" (append + positional overwrite), recording the largest append. */
function streamed(reader: MemoryBackend): { bytes: Buffer; largestAppend: number } {
  let file = Buffer.alloc(0);
  let largestAppend = 0;
  writeSnapshot(reader, {
    append: (b) => {
      largestAppend = Math.max(largestAppend, b.byteLength);
      file = Buffer.concat([file, b]);
    },
    writeAt: (at, b) => {
      assert.ok(at + b.byteLength <= file.length, 'writeAt only overwrites bytes already appended');
      Buffer.from(b).copy(file, at);
    },
  });
  return { bytes: file, largestAppend };
}

test('a streamed snapshot (padded header written last) restores exactly the state of an in-memory one, page by page', () => {
  const commands: Command[] = [...workload];
  for (let i = 0; i < 2500; i++) commands.push({ type: 'put', key: `/k/${String(i).padStart(5, '0')}`, value: 'x'.repeat(100) });
  const source = store(commands);
  const { bytes, largestAppend } = streamed(source);
  assert.equal(bytes[HEADER_SLOT - 1], 0x0a, 'the header slot ends with a newline');
  const target = new MemoryBackend();
  const r = target.write((w) => restoreSnapshot(w, bytes));
  assert.ok(r.ok);
  assert.equal(formatState(target), formatState(source));
  assert.deepEqual(decodeSnapshot(bytes), decodeSnapshot(encodeSnapshot(source)));
  assert.ok(largestAppend < bytes.length / 2, `one append (${largestAppend} B) is a page, not the snapshot (${bytes.length} B)`);
});
