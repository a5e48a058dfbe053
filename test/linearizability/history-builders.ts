// Test support: terse builders for hand-written histories. Times are [call, return]; leaving `ret` out
// makes the outcome unknown. `history(...)` numbers the ops 1..n in the order given.
//
//   history(write('a', 1, 0, 10), read('b', 1, 11, 20), on('y', readAbsent('c', 0, 5)))
import type { CasOp, ClientId, DeleteOp, Operation, ReadOp, WriteOp } from './history.ts';

const KEY = 'x';

export function history(...ops: Operation[]): Operation[] {
  return ops.map((op, i) => ({ ...op, id: i + 1 }));
}

/** The op on another key than the default "x". */
export function on(key: string, op: Operation): Operation {
  return { ...op, key };
}

export function write(client: ClientId, value: unknown, call: number, ret?: number): WriteOp {
  return { id: 0, client, key: KEY, kind: 'write', input: { value }, output: ret === undefined ? undefined : { ok: true }, call, return: ret };
}

export function read(client: ClientId, value: unknown, call: number, ret: number): ReadOp {
  return { id: 0, client, key: KEY, kind: 'read', input: null, output: { value, found: true }, call, return: ret };
}

export function readAbsent(client: ClientId, call: number, ret: number): ReadOp {
  return { id: 0, client, key: KEY, kind: 'read', input: null, output: { value: null, found: false }, call, return: ret };
}

export function cas(client: ClientId, expect: unknown, value: unknown, ok: boolean, call: number, ret?: number): CasOp {
  return { id: 0, client, key: KEY, kind: 'cas', input: { expect, value }, output: ret === undefined ? undefined : { ok }, call, return: ret };
}

export function del(client: ClientId, ok: boolean, call: number, ret?: number): DeleteOp {
  return { id: 0, client, key: KEY, kind: 'delete', input: null, output: ret === undefined ? undefined : { ok }, call, return: ret };
}
