import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffRecords, formatRecordDiff } from './record-diff.ts';

test('equal sinks are equal, and the same records in another order differ only when order matters', () => {
  const a = [{ id: 1 }, { id: 2 }];
  assert.ok(diffRecords(a, [...a], { ordered: true }).equal);
  const swapped = diffRecords(a, [a[1]!, a[0]!], { ordered: true });
  assert.equal(swapped.equal, false);
  assert.equal(swapped.orderDiffers, true);
  assert.ok(diffRecords(a, [a[1]!, a[0]!], { ordered: false }).equal);
});

test('a changed record lists the fields that differ, and leftovers are missing or extra', () => {
  const d = diffRecords([{ id: 1, amount: 5 }, { id: 2 }, { id: 3 }], [{ id: 1, amount: 6, note: 'x' }, { id: 2 }], { ordered: true });
  assert.deepEqual(d.changed.map((c) => c.fields.map((f) => f.field)), [['amount', 'note']]);
  assert.deepEqual(d.missing, [{ id: 3 }]);
  assert.deepEqual(d.extra, []);
  const text = formatRecordDiff(d).join('\n');
  assert.match(text, /amount: 5 → 6/);
  assert.match(text, /note: ∅ → "x"/);
  assert.match(text, /- missing \{"id":3\}/);
});
