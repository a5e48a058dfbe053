import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng } from '../../common/rng.ts';
import { encodedSize, jsonStringBytes } from './json-value.ts';

const viaStringify = (s: string): number => Buffer.byteLength(JSON.stringify(s), 'utf8');

test("a string's JSON size is counted exactly as JSON.stringify writes it, escapes and surrogates included", () => {
  const cases = ['', 'a', 'x'.repeat(256), '"', '\\', '\b\t\n\f\r', '\u0000\u001f\u007f', 'é', '€', '𝄞', '\ud834', '\udd1e', '\udd1e\ud834', 'a\ud834b', '\ud834\ud834\udd1e'];
  for (const s of cases) assert.equal(jsonStringBytes(s), viaStringify(s), JSON.stringify(s));
});

test('random strings over every kind of code unit measure the same as JSON.stringify (seeded)', () => {
  const rng = seededRng(16);
  const pools = [[0x00, 0x20], [0x20, 0x80], [0x80, 0x800], [0x800, 0xd800], [0xd800, 0xdc00], [0xdc00, 0xe000], [0xe000, 0x10000]] as const;
  for (let n = 0; n < 2000; n++) {
    let s = '';
    const length = rng.int(24);
    for (let i = 0; i < length; i++) {
      const [lo, hi] = pools[rng.int(pools.length)]!;
      s += String.fromCharCode(lo + rng.int(hi - lo));
    }
    assert.equal(jsonStringBytes(s), viaStringify(s), `case ${n}: ${JSON.stringify(s)}`);
  }
});

test('encodedSize measures strings without stringifying and every other value as its JSON text', () => {
  assert.equal(encodedSize('héllo'), viaStringify('héllo'));
  assert.equal(encodedSize({ a: [1, 'é', null] }), Buffer.byteLength('{"a":[1,"é",null]}'));
  assert.equal(encodedSize(undefined), undefined);
  assert.equal(encodedSize(10n), undefined);
});
