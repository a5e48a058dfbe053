import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from './commands.ts';
import { decodeCommand, encodeCommand, MAX_COMMAND_BYTES, MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES, MAX_VALUE_DEPTH } from './commands.ts';
import { validateCommand } from './validate-command.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const codeOf = (input: unknown): string => {
  const r = validateCommand(input);
  return r.ok ? 'ok' : r.code;
};

test('every command type survives encode then decode unchanged', () => {
  const commands: Command[] = [
    { type: 'put', key: '/a', value: { nested: [1, 'two', null, true] } },
    { type: 'put', key: '/a', value: null, ifRevision: 0 },
    { type: 'delete', key: '/a', ifRevision: 4 },
    { type: 'delete', key: '/ä/€/😀' },
    { type: 'delete-range', prefix: '/runink/' },
    {
      type: 'txn',
      compare: [
        { key: '/a', target: 'value', op: '=', value: { x: 1 } },
        { key: '/a', target: 'modRevision', op: '<', value: 9 },
        { key: '/a', target: 'createRevision', op: '>', value: 0 },
        { key: '/a', target: 'version', op: '!=', value: 3 },
        { key: '/b', target: 'exists' },
        { key: '/c', target: 'missing' },
      ],
      success: [{ type: 'put', key: '/b', value: 1 }, { type: 'delete', key: '/c' }],
      failure: [{ type: 'delete-range', prefix: '/z/' }],
    },
    { type: 'compact', revision: 12 },
  ];
  for (const command of commands) assert.deepEqual(decodeCommand(encodeCommand(command)), { ok: true, command });
});

test('decoding drops unknown fields and fills missing txn branches with empty lists', () => {
  assert.deepEqual(decodeCommand(bytes('{"type":"delete","key":"/a","extra":1}')), { ok: true, command: { type: 'delete', key: '/a' } });
  assert.deepEqual(decodeCommand(bytes('{"type":"txn"}')), { ok: true, command: { type: 'txn', compare: [], success: [], failure: [] } });
});

test('malformed payloads decode to BARN_INVALID_COMMAND instead of throwing', () => {
  for (const payload of ['', 'nul', '{"type":', '"put"', '[]', '42', 'null', '{"type":"put","key":"/a","value":1']) {
    const r = decodeCommand(bytes(payload));
    assert.equal(r.ok, false, payload);
    assert.equal(!r.ok && r.code, 'BARN_INVALID_COMMAND', payload);
  }
  const r = decodeCommand(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
  assert.equal(!r.ok && r.code, 'BARN_INVALID_COMMAND');
});

test('keys must be non-empty, well-formed and at most MAX_KEY_BYTES of UTF-8', () => {
  assert.equal(codeOf({ type: 'delete', key: 'k'.repeat(MAX_KEY_BYTES) }), 'ok');
  assert.equal(codeOf({ type: 'delete', key: 'k'.repeat(MAX_KEY_BYTES + 1) }), 'BARN_KEY_TOO_LARGE');
  assert.equal(codeOf({ type: 'delete', key: 'é'.repeat(MAX_KEY_BYTES / 2 + 1) }), 'BARN_KEY_TOO_LARGE');
  assert.equal(codeOf({ type: 'delete', key: '' }), 'BARN_INVALID_KEY');
  assert.equal(codeOf({ type: 'delete', key: 7 }), 'BARN_INVALID_KEY');
  assert.equal(codeOf({ type: 'delete', key: '/a\uD800' }), 'BARN_INVALID_KEY');
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '', target: 'exists' }] }), 'BARN_INVALID_KEY');
  assert.equal(codeOf({ type: 'delete-range', prefix: 'p'.repeat(MAX_KEY_BYTES + 1) }), 'BARN_KEY_TOO_LARGE');
});

test('values up to MAX_VALUE_BYTES encoded are accepted and one byte more is BARN_VALUE_TOO_LARGE', () => {
  const fits = 'x'.repeat(MAX_VALUE_BYTES - 2); // the JSON string adds two quotes
  assert.equal(codeOf({ type: 'put', key: '/a', value: fits }), 'ok');
  assert.equal(codeOf({ type: 'put', key: '/a', value: `${fits}x` }), 'BARN_VALUE_TOO_LARGE');
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '/a', target: 'value', op: '=', value: `${fits}x` }] }), 'BARN_VALUE_TOO_LARGE');
  const command: Command = { type: 'put', key: '/a', value: `${fits}x` };
  assert.equal(decodeCommand(encodeCommand(command)).ok, false);
});

test('values without JSON text or nested too deeply are refused', () => {
  assert.equal(codeOf({ type: 'put', key: '/a', value: undefined }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'put', key: '/a', value: 10n }), 'BARN_INVALID_COMMAND');
  let deep: unknown = 1;
  for (let i = 0; i < MAX_VALUE_DEPTH; i++) deep = [deep];
  assert.equal(codeOf({ type: 'put', key: '/a', value: deep }), 'ok');
  assert.equal(codeOf({ type: 'put', key: '/a', value: [deep] }), 'BARN_INVALID_COMMAND');
});

test('a payload over MAX_COMMAND_BYTES is refused before it is parsed', () => {
  const r = decodeCommand(new Uint8Array(MAX_COMMAND_BYTES + 1));
  assert.equal(!r.ok && r.code, 'BARN_COMMAND_TOO_LARGE');
});

test('ifRevision and compact revisions must be non-negative integers', () => {
  for (const bad of [-1, 1.5, '3', null, Number.MAX_SAFE_INTEGER + 1]) {
    assert.equal(codeOf({ type: 'put', key: '/a', value: 1, ifRevision: bad }), 'BARN_INVALID_COMMAND', String(bad));
    assert.equal(codeOf({ type: 'compact', revision: bad }), 'BARN_INVALID_COMMAND', String(bad));
  }
  assert.equal(codeOf({ type: 'compact' }), 'BARN_INVALID_COMMAND');
});

test('txn limits: at most MAX_TXN_OPS compares and ops per branch', () => {
  const ops = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ type: 'put', key: `/k${i}`, value: i }));
  assert.equal(codeOf({ type: 'txn', success: ops(MAX_TXN_OPS) }), 'ok');
  assert.equal(codeOf({ type: 'txn', success: ops(MAX_TXN_OPS + 1) }), 'BARN_TOO_MANY_OPS');
  assert.equal(codeOf({ type: 'txn', failure: ops(MAX_TXN_OPS + 1) }), 'BARN_TOO_MANY_OPS');
  const compares = Array.from({ length: MAX_TXN_OPS + 1 }, () => ({ key: '/a', target: 'exists' }));
  assert.equal(codeOf({ type: 'txn', compare: compares }), 'BARN_TOO_MANY_OPS');
  assert.equal(codeOf({ type: 'txn', success: {} }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'txn', success: [7] }), 'BARN_INVALID_COMMAND');
});

test('a txn branch may not write a put key twice, but deletes may overlap', () => {
  const put = (key: string): unknown => ({ type: 'put', key, value: 1 });
  assert.equal(codeOf({ type: 'txn', success: [put('/a'), put('/a')] }), 'BARN_DUPLICATE_KEY');
  assert.equal(codeOf({ type: 'txn', success: [{ type: 'delete', key: '/a' }, put('/a')] }), 'BARN_DUPLICATE_KEY');
  assert.equal(codeOf({ type: 'txn', success: [put('/p/x'), { type: 'delete-range', prefix: '/p/' }] }), 'BARN_DUPLICATE_KEY');
  assert.equal(codeOf({ type: 'txn', success: [put('/q'), { type: 'delete-range', prefix: '/p' }] }), 'ok');
  assert.equal(codeOf({ type: 'txn', success: [{ type: 'delete', key: '/p/x' }, { type: 'delete-range', prefix: '/p/' }] }), 'ok');
  // the branches are checked separately: the same key in success and failure is fine
  assert.equal(codeOf({ type: 'txn', success: [put('/a')], failure: [put('/a')] }), 'ok');
});

test('compares need a known target, a known operator and a typed operand', () => {
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '/a', target: 'version', op: '>=', value: 1 }] }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '/a', target: 'version', op: '>', value: 'one' }] }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '/a', target: 'value', op: '=' }] }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'txn', compare: [{ key: '/a', target: 'lease' }] }), 'BARN_INVALID_COMMAND');
  assert.equal(codeOf({ type: 'txn', compare: ['/a'] }), 'BARN_INVALID_COMMAND');
  assert.deepEqual(validateCommand({ type: 'txn', compare: [{ key: '/a', target: 'exists', op: '=', value: 3 }] }), {
    ok: true,
    command: { type: 'txn', compare: [{ key: '/a', target: 'exists' }], success: [], failure: [] },
  });
});
