// Shape and limit checks of a command, from any JSON value (a decoded entry, or an HTTP body before it is
// proposed). Returns a normalised command holding only the known fields, or the first problem as data.
// Deterministic: the same input gives the same answer on every replica.
import type { Command, Compare, CompareOp, Op } from './commands.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { encodedSize, nestsDeeperThan } from './json-value.ts';
import { inRange, isWellFormed, prefixEnd } from './key-order.ts';
import { MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES, MAX_VALUE_DEPTH } from './limits.ts';

type Checked<T> = { readonly ok: true; readonly command: T } | StateError;
type Fields = Record<string, unknown>;

const COMPARE_OPS: readonly string[] = ['=', '!=', '<', '>'];

export function validateCommand(input: unknown): Checked<Command> {
  if (!isObject(input)) return invalid('a command must be a JSON object');
  switch (input['type']) {
    case 'put':
    case 'delete':
    case 'delete-range':
      return checkWrite(input, true);
    case 'txn':
      return checkTxn(input);
    case 'compact':
      if (!isRevision(input['revision'])) return invalid('compact.revision must be a non-negative integer');
      return ok({ type: 'compact', revision: input['revision'] });
    default:
      return invalid(`unknown command type ${JSON.stringify(input['type'])} (put, delete, delete-range, txn, compact)`);
  }
}

/** put/delete/delete-range, as a command (`ifRevision` allowed) or as a txn op (not allowed). */
function checkWrite(input: Fields, topLevel: boolean): Checked<Command & Op> {
  const type = input['type'];
  if (type === 'delete-range') {
    const prefix = input['prefix'];
    if (prefix === '') return stateError('BARN_INVALID_KEY', 'delete-range.prefix must not be empty');
    const bad = checkKey(prefix, 'delete-range.prefix', '');
    return bad ?? ok({ type, prefix: prefix as string });
  }
  if (type !== 'put' && type !== 'delete') return invalid(`unknown op type ${JSON.stringify(type)} (put, delete, delete-range)`);
  const bad = checkKey(input['key'], type, '.key');
  if (bad) return bad;
  const key = input['key'] as string;
  const ifRevision = input['ifRevision'];
  if (ifRevision !== undefined) {
    if (!topLevel) return invalid(`a txn op has no ifRevision (key ${JSON.stringify(key)}); put the condition in compare`);
    if (!isRevision(ifRevision)) return invalid(`${type}.ifRevision must be a non-negative integer`);
  }
  const cond = ifRevision === undefined ? {} : { ifRevision };
  if (type === 'delete') return ok({ type, key, ...cond });
  const badValue = checkValue(input, 'put', key);
  return badValue ?? ok({ type, key, value: input['value'], ...cond });
}

function checkTxn(input: Fields): Checked<Command> {
  const parts: Record<'compare' | 'success' | 'failure', unknown[]> = { compare: [], success: [], failure: [] };
  for (const name of ['compare', 'success', 'failure'] as const) {
    const list = input[name] ?? [];
    if (!Array.isArray(list)) return invalid(`txn.${name} must be an array`);
    if (list.length > MAX_TXN_OPS) return stateError('BARN_TOO_MANY_OPS', `txn.${name} has ${list.length} entries; the limit is ${MAX_TXN_OPS}`);
    parts[name] = list;
  }
  const compare: Compare[] = [];
  for (const c of parts.compare) {
    const checked = checkCompare(c);
    if (!checked.ok) return checked;
    compare.push(checked.command);
  }
  const branches: Op[][] = [];
  for (const name of ['success', 'failure'] as const) {
    const ops: Op[] = [];
    for (const op of parts[name]) {
      if (!isObject(op)) return invalid(`txn.${name} entries must be objects`);
      const checked = checkWrite(op, false);
      if (!checked.ok) return checked;
      ops.push(checked.command);
    }
    const dup = findDuplicateWrite(ops);
    if (dup !== undefined) return stateError('BARN_DUPLICATE_KEY', `txn.${name} writes ${JSON.stringify(dup)} more than once`);
    branches.push(ops);
  }
  return ok({ type: 'txn', compare, success: branches[0]!, failure: branches[1]! });
}

function checkCompare(input: unknown): Checked<Compare> {
  if (!isObject(input)) return invalid('txn.compare entries must be objects');
  const bad = checkKey(input['key'], 'compare.key', '');
  if (bad) return bad;
  const key = input['key'] as string;
  const target = input['target'];
  switch (target) {
    case 'exists':
    case 'missing':
      return ok({ key, target });
    case 'value':
    case 'modRevision':
    case 'createRevision':
    case 'version': {
      const op = input['op'];
      if (typeof op !== 'string' || !COMPARE_OPS.includes(op)) return invalid(`compare.op must be one of ${COMPARE_OPS.join(' ')}`);
      if (target === 'value') {
        const badValue = checkValue(input, 'compare on', key);
        return badValue ?? ok({ key, target, op: op as CompareOp, value: input['value'] });
      }
      const value = input['value'];
      if (!isRevision(value)) return invalid(`compare.value of ${target} must be a non-negative integer`);
      return ok({ key, target, op: op as CompareOp, value });
    }
    default:
      return invalid(`unknown compare target ${JSON.stringify(target)} (value, modRevision, createRevision, version, exists, missing)`);
  }
}

/** A put may not share its key with any other write of the branch; deletes may overlap each other. */
function findDuplicateWrite(ops: readonly Op[]): string | undefined {
  const puts = ops.flatMap((op) => (op.type === 'put' ? [op.key] : []));
  const seen = new Set<string>();
  for (const key of puts) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  for (const op of ops) {
    switch (op.type) {
      case 'put':
        break;
      case 'delete':
        if (seen.has(op.key)) return op.key;
        break;
      case 'delete-range': {
        const hit = puts.find((key) => inRange(key, op.prefix, prefixEnd(op.prefix)));
        if (hit !== undefined) return hit;
        break;
      }
    }
  }
  return undefined;
}

// The field named in an error is `${what}${suffix}` (and a value's `${what} ${JSON.stringify(key)}`), built only
// when there is an error: every command is checked on every member, and valid ones are the rule.
function checkKey(key: unknown, what: string, suffix: string): StateError | undefined {
  if (typeof key !== 'string' || key === '') return stateError('BARN_INVALID_KEY', `${what}${suffix} must be a non-empty string`);
  if (!isWellFormed(key)) return stateError('BARN_INVALID_KEY', `${what}${suffix} contains a lone surrogate (not encodable as UTF-8)`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return stateError('BARN_KEY_TOO_LARGE', `${what}${suffix} is ${bytes} bytes; the limit is ${MAX_KEY_BYTES}`);
  return undefined;
}

function valueWhat(verb: string, key: string): string {
  return `${verb} ${JSON.stringify(key)}`;
}

function checkValue(input: Fields, verb: string, key: string): StateError | undefined {
  if (!Object.hasOwn(input, 'value')) return invalid(`${valueWhat(verb, key)} has no value`);
  const size = encodedSize(input['value']);
  if (size === undefined) return invalid(`${valueWhat(verb, key)}: value is not JSON`);
  if (size > MAX_VALUE_BYTES) return stateError('BARN_VALUE_TOO_LARGE', `${valueWhat(verb, key)}: value is ${size} bytes; the limit is ${MAX_VALUE_BYTES}`);
  if (nestsDeeperThan(input['value'], MAX_VALUE_DEPTH)) return invalid(`${valueWhat(verb, key)}: value nests deeper than ${MAX_VALUE_DEPTH} levels`);
  return undefined;
}

function isRevision(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isObject(v: unknown): v is Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function ok<T>(command: T): Checked<T> {
  return { ok: true, command };
}

function invalid(message: string): StateError {
  return stateError('BARN_INVALID_COMMAND', message);
}
