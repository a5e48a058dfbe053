import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import type { ConfState, Entry } from '../raft/types.ts';
import { encodeRecords, type WalRecord } from './wal-codec.ts';
import { createWal, openWal, walSegmentPath, type Wal, type WalSeed } from './wal.ts';
import { ent, hs, range } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-wal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const ID = { clusterId: 'c-test', nodeId: 'n1' };
const SEGMENT_BYTES = 4096;
const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

function freshDir(): string {
  const dir = join(root, `wal-${++dirs}`);
  mkdirSync(dir);
  return dir;
}

const SEED: WalSeed & { readonly entries: readonly Entry[] } = {
  snapshot: { index: 3, term: 1, confState: CONF },
  hardState: hs(2, 4),
  entries: [ent(4, 1), { index: 5, term: 2, type: 'conf-change', data: new Uint8Array([7, 7]) }, { index: 6, term: 2, type: 'normal', data: new Uint8Array(0) }],
};

function segments(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('wal-')).sort();
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => isRuninkError(e, code);
}

/** Opens `dir`, expecting a segment, and returns the opened parts. */
function reopen(dir: string, noSync: boolean): ReturnType<typeof openWal> & { wal: Wal } {
  const opened = openWal(dir, ID, { noSync, segmentBytes: SEGMENT_BYTES });
  assert.ok(opened.wal !== undefined, 'a segment was found');
  return { ...opened, wal: opened.wal };
}

test('a dir without segments opens to nothing', () => {
  const dir = freshDir();
  assert.deepEqual(openWal(dir, ID, { segmentBytes: SEGMENT_BYTES }), { wal: undefined, state: undefined, repaired: undefined });
  assert.deepEqual(segments(dir), []);
});

for (const noSync of [false, true]) {
  const mode = noSync ? ' (noSync)' : '';

  test(`createWal then openWal returns the seed${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    assert.equal(wal.segment, walSegmentPath(dir, 1));
    assert.deepEqual(segments(dir), ['wal-00000000000000000001.log']);
    assert.equal(statSync(wal.segment).size, SEGMENT_BYTES, 'preallocated');
    await wal.close();
    const { wal: again, state, repaired } = reopen(dir, noSync);
    assert.equal(repaired, undefined);
    assert.deepEqual(state, { header: { format: 1, ...ID, seq: 1 }, snapshot: SEED.snapshot, hardState: SEED.hardState, entries: SEED.entries });
    await again.close();
  });

  test(`appends survive reopen, across several opens and past the preallocated size${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, { ...SEED, entries: [] }, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(4, 10, 2) }, { type: 'hard-state', hardState: hs(2, 8) }]);
    wal.append([{ type: 'entries', entries: range(8, 12, 3) }]);
    await wal.sync();
    await wal.close();
    const first = reopen(dir, noSync);
    assert.deepEqual(first.state?.entries, [...range(4, 7, 2), ...range(8, 12, 3)]);
    assert.deepEqual(first.state?.hardState, hs(2, 8));
    // Big appends: the segment grows past segmentBytes.
    const big = (i: number): Entry => ({ index: i, term: 3, type: 'normal', data: new Uint8Array(1500).fill(i) });
    for (let i = 13; i <= 20; i++) first.wal.append([{ type: 'entries', entries: [big(i)] }]);
    first.wal.append([{ type: 'hard-state', hardState: hs(3, 20, 'n2') }]);
    first.wal.syncNow();
    assert.ok(first.wal.size > SEGMENT_BYTES);
    await first.wal.close();
    const second = reopen(dir, noSync);
    assert.equal(second.repaired, undefined);
    const want = [...range(4, 7, 2), ...range(8, 12, 3)];
    for (let i = 13; i <= 20; i++) want.push(big(i));
    assert.deepEqual(second.state?.entries, want);
    assert.deepEqual(second.state?.hardState, hs(3, 20, 'n2'));
    assert.equal(second.wal.size, statSync(second.wal.segment).size);
    await second.wal.close();
  });

  test(`a torn tail of garbage is cut off and reported, and later appends replay without it${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(7, 8, 2) }]);
    const end = wal.size;
    await wal.close();
    const garbage = Buffer.from('GARBAGE-GARBAGE-GARBAGE', 'utf8');
    writeAt(wal.segment, end, garbage);

    const opened = reopen(dir, noSync);
    assert.deepEqual(opened.repaired, { segment: wal.segment, offset: end, bytes: garbage.length });
    assert.deepEqual(opened.state?.entries, [...SEED.entries, ...range(7, 8, 2)]);
    assert.equal(opened.wal.size, end);
    const file = readFileSync(wal.segment);
    assert.equal(file.length, SEGMENT_BYTES);
    assert.ok(file.subarray(end).every((b) => b === 0), 'the tail is zero-filled');
    // A short append does not cover all of where the garbage was.
    opened.wal.append([{ type: 'hard-state', hardState: hs(2, 8) }]);
    await opened.wal.sync();
    await opened.wal.close();

    const again = reopen(dir, noSync);
    assert.equal(again.repaired, undefined);
    assert.deepEqual(again.state?.entries, [...SEED.entries, ...range(7, 8, 2)]);
    assert.deepEqual(again.state?.hardState, hs(2, 8));
    assert.equal(readFileSync(wal.segment).indexOf(Buffer.from('GARBAGE')), -1, 'the garbage never reappears');
    await again.wal.close();
  });

  test(`half a frame after the last record is cut off and the next append replays${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    const end = wal.size;
    await wal.close();
    const frame = encodeRecords([{ type: 'entries', entries: range(7, 9, 2) }]);
    const half = frame.subarray(0, Math.floor(frame.length / 2));
    writeAt(wal.segment, end, half);

    const opened = reopen(dir, noSync);
    assert.equal(opened.repaired?.offset, end);
    assert.equal(opened.repaired?.segment, wal.segment);
    assert.ok((opened.repaired?.bytes ?? 0) > 0 && (opened.repaired?.bytes ?? 0) <= half.length);
    assert.deepEqual(opened.state?.entries, SEED.entries);
    opened.wal.append([{ type: 'entries', entries: [ent(7, 3)] }]);
    await opened.wal.close();

    const again = reopen(dir, noSync);
    assert.equal(again.repaired, undefined);
    assert.deepEqual(again.state?.entries, [...SEED.entries, ent(7, 3)]);
    await again.wal.close();
  });

  test(`stale frames beyond a zero gap after the end never replay after later appends${mode}`, async () => {
    // A crash can lose the first page of an unsynced append and keep a later one: zeros, then a whole valid
    // frame. The segment then ends at the zeros; a later append of the same length must not make the stale
    // frame reachable again.
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    const end = wal.size;
    await wal.close();
    const lost = encodeRecords([{ type: 'entries', entries: [ent(7, 2, 'lost')] }]);
    const stale = encodeRecords([{ type: 'entries', entries: [ent(8, 2, 'stale')] }]);
    writeAt(wal.segment, end + lost.length, stale);

    const opened = reopen(dir, noSync);
    assert.deepEqual(opened.state?.entries, SEED.entries);
    const replacement = encodeRecords([{ type: 'entries', entries: [ent(7, 3, 'new!')] }]);
    assert.equal(replacement.length, lost.length);
    opened.wal.append([{ type: 'entries', entries: [ent(7, 3, 'new!')] }]);
    await opened.wal.close();

    const again = reopen(dir, noSync);
    assert.deepEqual(again.state?.entries, [...SEED.entries, ent(7, 3, 'new!')]);
    await again.wal.close();
  });

  test(`rotate leaves exactly one segment holding the new seed, and open removes a leftover .tmp${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(7, 9, 2) }]);
    const seed2: WalSeed = { snapshot: { index: 8, term: 2, confState: CONF }, hardState: hs(2, 9), entries: [ent(9, 2)] };
    wal.rotate(ID, seed2);
    assert.equal(wal.segment, walSegmentPath(dir, 2));
    wal.append([{ type: 'entries', entries: [ent(10, 2)] }]);
    await wal.close(); // waits for the older segment's deletion too
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log']);

    const tmp = `${walSegmentPath(dir, 3)}.tmp`;
    writeFileSync(tmp, 'half-written rotation');
    const opened = reopen(dir, noSync);
    assert.equal(existsSync(tmp), false);
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log']);
    assert.deepEqual(opened.state, { header: { format: 1, ...ID, seq: 2 }, snapshot: seed2.snapshot, hardState: seed2.hardState, entries: [ent(9, 2), ent(10, 2)] });
    await opened.wal.close();
  });

  test(`open reads only the newest segment and deletes older ones${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    await wal.close();
    const older = walSegmentPath(dir, 0);
    writeFileSync(older, readFileSync(wal.segment)); // as if a crash came between rotate's rename and its deletes
    const opened = reopen(dir, noSync);
    assert.deepEqual(segments(dir), ['wal-00000000000000000001.log']);
    assert.equal(opened.state?.header?.seq, 1);
    await opened.wal.close();
  });

  test(`a segment of another cluster or node is BARN_STORAGE_CLUSTER_MISMATCH and nothing is changed${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(7, 8, 2) }]);
    const end = wal.size;
    await wal.close();
    writeAt(wal.segment, end, Buffer.from('torn tail that a matching node would cut'));
    const tmp = `${walSegmentPath(dir, 2)}.tmp`;
    writeFileSync(tmp, 'someone else’s rotation');
    const before = readFileSync(wal.segment);
    for (const other of [{ clusterId: 'c-other', nodeId: 'n1' }, { clusterId: 'c-test', nodeId: 'n2' }]) {
      assert.throws(
        () => openWal(dir, other, { noSync, segmentBytes: SEGMENT_BYTES }),
        (e: unknown) => {
          assert.ok(isRuninkError(e, 'BARN_STORAGE_CLUSTER_MISMATCH'), String(e));
          assert.equal(e.data['segment'], wal.segment);
          assert.equal(e.data['clusterId'], 'c-test');
          assert.equal(e.data['nodeId'], 'n1');
          return true;
        },
      );
      assert.ok(readFileSync(wal.segment).equals(before), 'the segment is byte-for-byte unchanged');
      assert.equal(existsSync(tmp), true, 'the other node’s files are left alone');
    }
  });

  test(`a newest segment that does not start with a header is BARN_STORAGE_CORRUPT${mode}`, () => {
    const dir = freshDir();
    const records: WalRecord[] = [{ type: 'hard-state', hardState: hs(1, 0) }];
    const file = Buffer.alloc(SEGMENT_BYTES);
    encodeRecords(records).copy(file);
    writeFileSync(walSegmentPath(dir, 1), file);
    assert.throws(() => openWal(dir, ID, { noSync, segmentBytes: SEGMENT_BYTES }), isCode('BARN_STORAGE_CORRUPT'));
  });

  test(`sync resolves, and close waits for every sync in flight${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: [ent(7, 2)] }]);
    await wal.sync();
    const order: string[] = [];
    wal.append([{ type: 'entries', entries: [ent(8, 2)] }]);
    const a = wal.sync().then(() => order.push('sync a'));
    wal.append([{ type: 'entries', entries: [ent(9, 2)] }]);
    const b = wal.sync().then(() => order.push('sync b'));
    await wal.close();
    order.push('closed');
    await Promise.all([a, b]);
    assert.deepEqual(order.slice().sort(), ['closed', 'sync a', 'sync b']);
    assert.equal(order.at(-1), 'closed', 'both syncs settled before close returned');
    const opened = reopen(dir, noSync);
    assert.deepEqual(opened.state?.entries, [...SEED.entries, ...range(7, 9, 2)]);
    await opened.wal.close();
  });

  test(`a sync in flight during rotate still resolves${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    const settled: Promise<void>[] = [];
    for (let round = 0; round < 20; round++) {
      wal.append([{ type: 'entries', entries: [ent(7 + round, 2)] }]);
      settled.push(wal.sync());
      wal.rotate(ID, { snapshot: SEED.snapshot, hardState: SEED.hardState, entries: [...SEED.entries, ...range(7, 7 + round, 2)] });
    }
    await Promise.all(settled);
    await wal.close();
    const opened = reopen(dir, noSync);
    assert.deepEqual(opened.state?.entries, [...SEED.entries, ...range(7, 26, 2)]);
    assert.deepEqual(segments(dir), ['wal-00000000000000000021.log']);
    await opened.wal.close();
  });

  test(`a rotation that carries the entries after its snapshot over keeps the log after it as written, rewrites and all, across reopens${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(7, 9, 2) }, { type: 'hard-state', hardState: hs(2, 8) }]);
    wal.append([{ type: 'entries', entries: range(8, 10, 3) }]); // a conflicting suffix from 8 (a new leader's)
    wal.append([{ type: 'entries', entries: range(11, 12, 3) }]);
    const snapshotAt9 = { index: 9, term: 3, confState: CONF };
    wal.rotate(ID, { snapshot: snapshotAt9, hardState: hs(3, 12), entries: 'carried' });
    wal.append([{ type: 'entries', entries: range(13, 13, 3) }]);
    await wal.close();
    const first = reopen(dir, noSync);
    assert.deepEqual(first.state?.snapshot, snapshotAt9);
    assert.deepEqual(first.state?.hardState, hs(3, 12), 'the seed hard state is the newest, whatever the carried records hold');
    assert.deepEqual(first.state?.entries, range(10, 13, 3), 'entry 10 from the straddling frame, then 11-13');
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log']);
    const snapshotAt12 = { index: 12, term: 3, confState: CONF };
    first.wal.rotate(ID, { snapshot: snapshotAt12, hardState: hs(3, 13), entries: 'carried' }); // frames found by reading the file
    first.wal.rotate(ID, { snapshot: { ...snapshotAt12, index: 13 }, hardState: hs(3, 13), entries: 'carried' }); // nothing after it
    await first.wal.close();
    const second = reopen(dir, noSync);
    assert.deepEqual(second.state?.snapshot?.index, 13);
    assert.deepEqual(second.state?.entries, []);
    await second.wal.close();
    const third = reopen(dir, noSync);
    assert.deepEqual(third.state?.entries, [], 'and it reopens the same');
    await third.wal.close();
  });

  test(`a rotation after a reopen carries the entries the reopened segment holds${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    wal.append([{ type: 'entries', entries: range(7, 11, 2) }]);
    await wal.close();
    const opened = reopen(dir, noSync);
    opened.wal.rotate(ID, { snapshot: { index: 5, term: 2, confState: CONF }, hardState: hs(2, 11), entries: 'carried' });
    await opened.wal.close();
    const again = reopen(dir, noSync);
    assert.deepEqual(again.state?.entries, [SEED.entries[2], ...range(7, 11, 2)], 'entries 6-11: the seed frame straddles the snapshot');
    await again.wal.close();
  });

  test(`a rotation into a file prepared ahead writes the same segment, byte for byte, as one without, small seed or large${mode}`, async () => {
    const bigEntries = Array.from({ length: 40 }, (_, k) => ent(10 + k, 2, `large entry ${10 + k} `.repeat(12)));
    for (const [what, seed] of [
      ['carried', { snapshot: { index: 8, term: 2, confState: CONF }, hardState: hs(2, 9), entries: 'carried' as const }],
      ['larger than a segment', { snapshot: { index: 9, term: 2, confState: CONF }, hardState: hs(2, 49), entries: bigEntries }],
    ] as const) {
      const bytes: Buffer[] = [];
      for (const prepared of [true, false]) {
        const dir = freshDir();
        const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
        wal.append([{ type: 'entries', entries: range(7, 9, 2) }]);
        if (prepared) {
          await wal.prepareRotation();
          assert.deepEqual(segments(dir), ['wal-00000000000000000001.log', 'wal-00000000000000000002.log.spare']);
        }
        wal.rotate(ID, seed);
        wal.append([{ type: 'entries', entries: [ent(seed.entries === 'carried' ? 10 : 50, 2)] }]);
        await wal.close();
        assert.deepEqual(segments(dir), ['wal-00000000000000000002.log'], `${what}: one segment, no file left`);
        bytes.push(readFileSync(walSegmentPath(dir, 2)));
        const opened = reopen(dir, noSync);
        assert.deepEqual(opened.state?.snapshot, seed.snapshot);
        await opened.wal.close();
      }
      assert.ok(bytes[0]!.equals(bytes[1]!), `${what}: the same bytes`);
    }
  });

  test(`a prepared file the WAL does not use is removed: one a rotation overtook, one left at close, one left by a crash${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    const preparing = wal.prepareRotation(); // still opening its file when the rotation below runs
    wal.rotate(ID, { snapshot: { index: 5, term: 2, confState: CONF }, hardState: hs(2, 6), entries: 'carried' });
    await preparing;
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log'], 'overtaken: removed, never used');
    await wal.prepareRotation();
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log', 'wal-00000000000000000003.log.spare']);
    await wal.close();
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log'], 'close removes it');
    writeFileSync(`${walSegmentPath(dir, 3)}.spare`, 'a crash left it');
    const opened = reopen(dir, noSync);
    assert.deepEqual(segments(dir), ['wal-00000000000000000002.log'], 'open removes it');
    assert.deepEqual(opened.state?.snapshot?.index, 5);
    await opened.wal.close();
  });

  test(`append, sync and rotate after close are BARN_STORAGE_CLOSED, and close is idempotent${mode}`, async () => {
    const dir = freshDir();
    const wal = createWal(dir, ID, SEED, { noSync, segmentBytes: SEGMENT_BYTES });
    await wal.close();
    await wal.close();
    assert.throws(() => wal.append([{ type: 'entries', entries: [ent(7, 2)] }]), isCode('BARN_STORAGE_CLOSED'));
    assert.throws(() => wal.sync(), isCode('BARN_STORAGE_CLOSED'));
    assert.throws(() => wal.syncNow(), isCode('BARN_STORAGE_CLOSED'));
    assert.throws(() => wal.rotate(ID, SEED), isCode('BARN_STORAGE_CLOSED'));
    assert.deepEqual(segments(dir), ['wal-00000000000000000001.log']);
    const opened = reopen(dir, noSync);
    assert.deepEqual(opened.state?.entries, SEED.entries);
    await opened.wal.close();
  });
}

/** Writes `bytes` into `path` at `offset` (a crash's leftovers), growing the file if needed. */
function writeAt(path: string, offset: number, bytes: Buffer): void {
  const file = readFileSync(path);
  const out = Buffer.alloc(Math.max(file.length, offset + bytes.length));
  file.copy(out);
  bytes.copy(out, offset);
  writeFileSync(path, out);
}

test('appends inside the preallocated size land on written zeros, not on holes, and the size stays put', async () => {
  const dir = freshDir();
  const MiB = 1024 * 1024;
  const size = 3 * MiB;
  const allocated = (path: string): number => statSync(path).blocks * 512;
  const wal = createWal(dir, ID, SEED, { segmentBytes: size });
  assert.ok(allocated(wal.segment) >= MiB, `a new segment has its first MiB written (${allocated(wal.segment)} bytes allocated)`);
  const payload = new Uint8Array(64 * 1024).fill(7);
  let index = 7;
  while (wal.size < MiB + 100 * 1024) wal.append([{ type: 'entries', entries: [{ index: index++, term: 2, type: 'normal', data: payload }] }]);
  assert.ok(allocated(wal.segment) >= wal.size + 512 * 1024, `zeros are written ahead of the appends (${allocated(wal.segment)} allocated, ${wal.size} used)`);
  assert.ok(allocated(wal.segment) <= size, 'never past the preallocated size');
  assert.equal(statSync(wal.segment).size, size);
  await wal.close();
  const { wal: again, state } = reopen(dir, false);
  assert.equal(state?.entries.at(-1)?.index, index - 1, 'every record replays');
  await again.close();
});
