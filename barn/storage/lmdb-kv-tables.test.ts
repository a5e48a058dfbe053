// The stored encodings of records and events are built as text (the value stringified once for both); they
// must stay exactly what JSON.stringify gives, since a snapshot splices stored events as they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng, type Rng } from '../../common/rng.ts';
import type { KvEvent, KvRecord } from '../state/backend.ts';
import { encodeEvent, encodeRecord, valueJson } from './lmdb-kv-tables.ts';

const SEED = Number(process.env['BARN_TABLES_SEED'] ?? 11);

const STRINGS = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab', 'ünïcødé ✓ 🐄', '\u0000\u001f control', '\ud800 lone surrogate'];

function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 5 : 8)) {
    case 0: return null;
    case 1: return rng.int(2) === 0;
    case 2: return rng.int(1_000_000) - 500_000 + (rng.int(2) === 0 ? 0 : 0.25);
    case 3: return STRINGS[rng.int(STRINGS.length)];
    case 4: return 'x'.repeat(rng.int(300));
    case 5: return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    case 6: return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, k) => [`${STRINGS[rng.int(STRINGS.length)]}${k}`, randomValue(rng, depth + 1)]));
    default: return { nested: randomValue(rng, depth + 1), undef: undefined };
  }
}

function randomRecord(rng: Rng): KvRecord {
  const createRevision = 1 + rng.int(10_000);
  return {
    key: `${STRINGS[rng.int(STRINGS.length)]}/${rng.int(1000)}`,
    value: rng.int(20) === 0 ? undefined : randomValue(rng),
    createRevision,
    modRevision: createRevision + rng.int(10_000),
    version: 1 + rng.int(50),
  };
}

test('a stored record is the JSON array JSON.stringify writes, for any value (undefined becomes null)', () => {
  const rng = seededRng(SEED);
  for (let k = 0; k < 2000; k++) {
    const r = randomRecord(rng);
    const want = JSON.stringify([r.createRevision, r.modRevision, r.version, r.value]);
    assert.equal(encodeRecord(r).toString('utf8'), want, `seed ${SEED}, case ${k}`);
    assert.equal(encodeRecord(r, valueJson(r.value)).toString('utf8'), want, `seed ${SEED}, case ${k}`);
  }
});

test('a stored event is byte for byte what JSON.stringify writes, for puts, deletes and an undefined value', () => {
  const rng = seededRng(SEED + 1);
  for (let k = 0; k < 2000; k++) {
    const r = randomRecord(rng);
    const event: KvEvent = rng.int(3) === 0
      ? { type: 'delete', revision: r.modRevision + 1, record: { ...r, value: null } }
      : { type: 'put', revision: r.modRevision, record: r };
    const want = JSON.stringify({ type: event.type, revision: event.revision, record: { key: event.record.key, value: event.record.value, createRevision: event.record.createRevision, modRevision: event.record.modRevision, version: event.record.version } });
    assert.equal(encodeEvent(event).toString('utf8'), want, `seed ${SEED}, case ${k}`);
    assert.equal(encodeEvent(event, valueJson(event.record.value)).toString('utf8'), want, `seed ${SEED}, case ${k}`);
  }
});
