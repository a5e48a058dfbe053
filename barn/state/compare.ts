// Evaluating one txn compare against the current record of its key. A missing key counts as
// modRevision = createRevision = version = 0; a `value` compare on a missing key is false whatever the op
// (as in etcd: there is no value to compare). `<`/`>` on values hold only between two numbers or two
// strings (json-value.ts); `!=` on an unordered pair is plain structural inequality.
import type { KvRecord } from './backend.ts';
import type { Compare, CompareOp } from './commands.ts';
import { jsonEqual, jsonOrder } from './json-value.ts';

export function compareHolds(c: Compare, record: KvRecord | undefined): boolean {
  switch (c.target) {
    case 'exists':
      return record !== undefined;
    case 'missing':
      return record === undefined;
    case 'value':
      return record !== undefined && holdsValue(c.op, record.value, c.value);
    case 'modRevision':
      return holdsNumber(c.op, record?.modRevision ?? 0, c.value);
    case 'createRevision':
      return holdsNumber(c.op, record?.createRevision ?? 0, c.value);
    case 'version':
      return holdsNumber(c.op, record?.version ?? 0, c.value);
  }
}

function holdsNumber(op: CompareOp, actual: number, expected: number): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '>':
      return actual > expected;
  }
}

function holdsValue(op: CompareOp, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case '=':
      return jsonEqual(actual, expected);
    case '!=':
      return !jsonEqual(actual, expected);
    case '<':
      return (jsonOrder(actual, expected) ?? 0) < 0;
    case '>':
      return (jsonOrder(actual, expected) ?? 0) > 0;
  }
}
