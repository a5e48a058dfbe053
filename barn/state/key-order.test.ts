import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import { compareKeys, inRange, isWellFormed, prefixEnd } from './key-order.ts';

const ALPHABET = ['a', 'b', '/', '\u0000', 'é', '\u07ff', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}', '\u{10000}'];

function randomKey(rng: ReturnType<typeof seededRng>): string {
  let key = '';
  for (let n = rng.int(5); n > 0; n--) key += ALPHABET[rng.int(ALPHABET.length)];
  return key;
}

const byteOrder = (a: string, b: string): number => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

test('compareKeys orders keys exactly as their UTF-8 bytes, including astral characters', () => {
  const rng = seededRng(7);
  for (let i = 0; i < 5000; i++) {
    const a = randomKey(rng);
    const b = randomKey(rng);
    assert.equal(Math.sign(compareKeys(a, b)), byteOrder(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.ok(compareKeys('\uffff', '😀') < 0, 'U+FFFF sorts before U+1F600 (JavaScript < says otherwise)');
});

test('[prefix, prefixEnd(prefix)) holds exactly the keys that start with the prefix', () => {
  const rng = seededRng(11);
  for (let i = 0; i < 3000; i++) {
    const prefix = randomKey(rng);
    const key = rng.int(2) === 0 ? prefix + randomKey(rng) : randomKey(rng);
    assert.equal(inRange(key, prefix, prefixEnd(prefix)), key.startsWith(prefix), `${JSON.stringify(key)} / ${JSON.stringify(prefix)}`);
  }
});

test('prefixEnd steps over the surrogate block and is open-ended after the last code point', () => {
  assert.equal(prefixEnd('/a/'), '/a0');
  assert.equal(prefixEnd('\ud7ff'), '\ue000');
  assert.equal(prefixEnd('a\u{10ffff}'), 'b');
  assert.equal(prefixEnd('\u{10ffff}'), undefined);
  assert.equal(prefixEnd(''), undefined);
});

test('lone surrogates are not well-formed keys, paired ones are', () => {
  assert.equal(isWellFormed('😀'), true);
  assert.equal(isWellFormed('a\ud83d'), false);
  assert.equal(isWellFormed('\ude00b'), false);
});
