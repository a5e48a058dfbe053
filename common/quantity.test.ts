import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.ts';

test('cpu quantities parse to millicores and format back', () => {
  assert.equal(parseCpu('500m'), 500);
  assert.equal(parseCpu('2'), 2000);
  assert.equal(parseCpu(0.25), 250);
  assert.equal(parseCpu('two'), undefined);
  assert.equal(formatCpu(1500), '1500m');
  assert.equal(formatCpu(3000), '3');
});

test('memory quantities parse to bytes in binary and decimal units and format readably', () => {
  assert.equal(parseMemory('256Mi'), 256 * 1024 * 1024);
  assert.equal(parseMemory('1G'), 1e9);
  assert.equal(parseMemory('12Qi'), undefined);
  assert.equal(formatMemory(256 * 1024 * 1024), '256Mi');
  assert.equal(formatMemory(1e9), '1G');
  assert.equal(formatMemory(1.2e9), '1200M');
  assert.equal(formatMemory(1234567891), '1.15Gi');
});
