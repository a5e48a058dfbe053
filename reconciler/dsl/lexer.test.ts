import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from './lexer.ts';
import { problemSink } from './problem-sink.ts';
import type { Tag, Token } from './tokens.ts';

function run(text: string): { tokens: Token[]; codes: string[] } {
  const sink = problemSink('t.dsl');
  const tokens = lex(text, sink);
  return { tokens, codes: sink.result().map((p) => `${p.line}:${p.col} ${p.code}`) };
}

function tags(tokens: Token[]): Tag[] {
  return tokens.flatMap((t) => (t.kind === 'tag' ? [t.tag] : []));
}

test('tag arguments become typed values with their positions', () => {
  const { tokens, codes } = run('@t("a\\"b", word, 12, 0.5, 500m, 256Mi, true, k=[x, "y", [1]])\n');
  assert.deepEqual(codes, []);
  const [tag] = tags(tokens);
  assert.equal(tag!.name, 't');
  assert.deepEqual(
    tag!.args.map((a) => [a.key ?? null, a.value.kind, a.col]),
    [[null, 'string', 4], [null, 'word', 12], [null, 'number', 18], [null, 'number', 22], [null, 'quantity', 27], [null, 'quantity', 33], [null, 'bool', 40], ['k', 'list', 46]],
  );
  const first = tag!.args[0]!.value;
  assert.equal(first.kind === 'string' && first.value, 'a"b');
  const list = tag!.args[7]!.value;
  assert.equal(list.kind === 'list' && list.items.length, 3);
});

test('several tags share a line and a trailing comment is a comment token', () => {
  const { tokens, codes } = run('  @herd(retail) @stream @failFast # defaults\n');
  assert.deepEqual(codes, []);
  assert.deepEqual(tokens.map((t) => t.kind), ['tag', 'tag', 'tag', 'comment']);
  assert.deepEqual(tags(tokens).map((t) => [t.name, t.col]), [['herd', 3], ['stream', 17], ['failFast', 25]]);
});

test('arguments may span lines and hold comments between them', () => {
  const { tokens, codes } = run('@source("file://a",\n  # why\n  format=csv,\n  id=a)\nScenario: x\n');
  assert.deepEqual(codes, []);
  assert.deepEqual(tags(tokens)[0]!.args.map((a) => [a.key ?? 'uri', a.line]), [['uri', 1], ['format', 3], ['id', 4]]);
  assert.equal(tokens[1]!.kind, 'scenario');
});

test('an unclosed parenthesis stops at the next statement, which is still lexed', () => {
  const { tokens, codes } = run('@source("a",\n  id=x\n@sink("b")\nScenario: s\n');
  assert.deepEqual(codes, ['1:8 DSL_SYNTAX']);
  assert.deepEqual(tags(tokens).map((t) => [t.name, t.broken]), [['source', true], ['sink', false]]);
  assert.equal(tokens[tokens.length - 1]!.kind, 'scenario');
});

test('keywords and prose lines are told apart; # inside prose is text', () => {
  const { tokens } = run('Feature: F\n  free text\nScenario: S\n  Given order #5\n  But not this\n');
  assert.deepEqual(
    tokens.map((t) => (t.kind === 'prose' ? `prose:${t.keyword ?? '-'}:${t.text}` : t.kind)),
    ['feature', 'prose:-:free text', 'scenario', 'prose:Given:Given order #5', 'prose:But:But not this'],
  );
});

test('lists nested deeper than the limit are a syntax error, not a stack overflow', () => {
  const { codes } = run(`@t(${'['.repeat(50)}${']'.repeat(50)})\n`);
  assert.deepEqual(codes, ['1:12 DSL_SYNTAX']);
});

test('a byte-order mark and CRLF line endings do not shift columns', () => {
  const { tokens, codes } = run('\ufeff@herd(retail)\r\nFeature: F\r\n');
  assert.deepEqual(codes, []);
  assert.deepEqual(tokens.map((t) => [t.kind, t.line, t.col]), [['tag', 1, 1], ['feature', 2, 1]]);
  assert.equal(tokens[1]!.kind === 'feature' && tokens[1]!.title, 'F');
});
