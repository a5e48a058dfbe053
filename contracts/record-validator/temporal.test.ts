import { test } from 'node:test';
import assert from 'node:assert/strict';
import { temporalParser, type TemporalParse } from './temporal.ts';

function parser(kind: 'date' | 'timestamp' | 'time', format?: string): TemporalParse {
  const p = temporalParser(kind, format);
  assert.ok(p.ok);
  return p.parse;
}

test('ISO dates parse to UTC midnight and impossible calendar days are refused', () => {
  const p = parser('date');
  assert.equal(p('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.equal(p('2023-02-29'), undefined);
  assert.equal(p('2024-13-01'), undefined);
});

test('timestamps honour offsets and read offset-less values as UTC', () => {
  const p = parser('timestamp');
  assert.equal(p('2020-01-01T10:00:00+10:00'), Date.UTC(2020, 0, 1, 0, 0, 0));
  assert.equal(p('2020-01-01 00:00:00'), Date.UTC(2020, 0, 1));
  assert.equal(p('2020-01-01T00:00:00.5Z'), Date.UTC(2020, 0, 1) + 500);
  assert.equal(p('2020-01-01'), undefined);
});

test('JDK formats with quoted literals, fractions and two-digit years are understood', () => {
  assert.equal(parser('timestamp', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")('2021-03-04T05:06:07.089-01:00'), Date.UTC(2021, 2, 4, 6, 6, 7, 89));
  assert.equal(parser('date', 'dd.MM.yy')('05.06.21'), Date.UTC(2021, 5, 5));
  assert.equal(parser('time', 'HH:mm')('23:59'), (23 * 60 + 59) * 60_000);
});

test('unsupported pattern letters are reported rather than guessed', () => {
  const p = temporalParser('date', 'EEE, d MMM yyyy');
  assert.equal(p.ok, false);
  assert.match(p.ok ? '' : p.reason, /EEE/);
});
