import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ajv2019 from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import { cachedValidator } from './ajv-standalone-cache.ts';

const schema = {
  type: 'object',
  required: ['id', 'when'],
  properties: { id: { type: 'integer', minimum: 1 }, when: { type: 'string', format: 'date-time' } },
  additionalProperties: false,
};

function freshAjv() {
  const ajv = new ajv2019.default({ allErrors: true, verbose: true, strict: true, code: { source: true } });
  ajvFormats.default(ajv);
  return ajv;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'runink-ajv-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const samples: unknown[] = [
  { id: 3, when: '2026-11-29T20:00:00Z' },
  { id: 0, when: 'yesterday', extra: true },
  { when: 5 },
  'not an object',
];

test('a validator loaded from the cache gives the same verdicts and errors as a fresh compile', (t) => {
  const dir = tempDir(t);
  const compiled = cachedValidator(freshAjv(), schema, 'test', dir);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.cjs')).length, 1, 'the compile stored one module');
  const loaded = cachedValidator(freshAjv(), schema, 'test', dir);
  assert.notEqual(loaded, compiled, 'the second call loaded the stored module');
  for (const sample of samples) {
    assert.equal(loaded(sample), compiled(sample));
    assert.deepEqual(loaded.errors ?? null, compiled.errors ?? null);
  }
  assert.equal(loaded({ id: 1, when: 'not a date' }), false, 'formats are checked by the loaded code too');
});

test('a corrupt cache entry is replaced by a fresh compile', (t) => {
  const dir = tempDir(t);
  cachedValidator(freshAjv(), schema, 'test', dir);
  const [file] = readdirSync(dir);
  writeFileSync(join(dir, file!), 'module.exports = {{ broken');
  const validate = cachedValidator(freshAjv(), schema, 'test', dir);
  assert.equal(validate({ id: 2, when: '2026-11-29T20:00:00Z' }), true);
  assert.equal(validate({ id: 0, when: '2026-11-29T20:00:00Z' }), false);
  const again = cachedValidator(freshAjv(), schema, 'test', dir);
  assert.equal(again({ id: 0 }), false, 'the rewritten entry loads');
});

test('a changed schema or options label never loads another entry', (t) => {
  const dir = tempDir(t);
  cachedValidator(freshAjv(), schema, 'test', dir);
  const stricter = { ...schema, properties: { ...schema.properties, id: { type: 'integer', minimum: 10 } } };
  const validate = cachedValidator(freshAjv(), stricter, 'test', dir);
  assert.equal(validate({ id: 5, when: '2026-11-29T20:00:00Z' }), false);
  cachedValidator(freshAjv(), schema, 'other-options', dir);
  assert.equal(readdirSync(dir).length, 3);
});

test('an unusable cache directory still yields a working validator', (t) => {
  const file = join(tempDir(t), 'a-file');
  writeFileSync(file, '');
  const validate = cachedValidator(freshAjv(), schema, 'test', join(file, 'cache'));
  assert.equal(validate({ id: 1, when: '2026-11-29T20:00:00Z' }), true);
});
