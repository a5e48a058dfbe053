// Builds a history while a harness runs concurrent clients. Pure: the harness passes the (monotonic) times.
//
//   const id = rec.invoke('c1', 'k', { kind: 'write', input: { value: 1 } }, now());
//   ... send the request ...
//   rec.ok(id, { ok: true, revision: 7 }, now());   // answered
//   rec.fail(id);                                   // definitely not applied (e.g. 400): dropped
//   rec.unknown(id);                                // timed out / node died: may or may not have happened
//
// Ops never resolved by the time `history()` is called count as unknown.
import type { CasOp, ClientId, DeleteOp, Invocation, Operation, Output, ReadOp, WriteOp } from './history.ts';

interface Pending {
  readonly id: number;
  readonly client: ClientId;
  readonly key: string;
  readonly invocation: Invocation;
  readonly call: number;
}

type Resolution = { readonly kind: 'ok'; readonly output: Output; readonly time: number } | { readonly kind: 'unknown' };

export class HistoryRecorder {
  private nextId = 0;
  private readonly invoked = new Map<number, Pending>();
  private readonly resolved = new Map<number, Resolution>();

  /** Records a call; returns the op id to resolve later. */
  invoke(client: ClientId, key: string, invocation: Invocation, time: number): number {
    const id = this.nextId++;
    this.invoked.set(id, { id, client, key, invocation, call: time });
    return id;
  }

  /** The op returned `output` at `time`. The output must fit the op's kind (see history.ts). */
  ok(id: number, output: Output, time: number): void {
    const p = this.pendingOrThrow(id);
    if (time < p.call) throw new Error(`op ${id}: return time ${time} is before its call ${p.call}`);
    this.resolved.set(id, { kind: 'ok', output, time });
  }

  /** The op definitely did not take effect (rejected before reaching the log): it leaves the history. */
  fail(id: number): void {
    this.pendingOrThrow(id);
    this.invoked.delete(id);
  }

  /** The op's outcome is unknown: it may take effect at any time after its call, or never. */
  unknown(id: number): void {
    this.pendingOrThrow(id);
    this.resolved.set(id, { kind: 'unknown' });
  }

  /** The recorded operations in invocation order; unresolved ops are unknown. */
  history(): Operation[] {
    const ops: Operation[] = [];
    for (const p of this.invoked.values()) ops.push(toOperation(p, this.resolved.get(p.id)));
    return ops;
  }

  private pendingOrThrow(id: number): Pending {
    const p = this.invoked.get(id);
    if (p === undefined) throw new Error(`op ${id}: never invoked or already failed`);
    if (this.resolved.has(id)) throw new Error(`op ${id}: already resolved`);
    return p;
  }
}

function toOperation(p: Pending, r: Resolution | undefined): Operation {
  const known = r !== undefined && r.kind === 'ok';
  const base = { id: p.id, client: p.client, key: p.key, call: p.call, return: known ? r.time : undefined };
  const output = known ? r.output : undefined;
  const inv = p.invocation;
  // The output's shape is the harness's responsibility; validateHistory checks it.
  switch (inv.kind) {
    case 'read':
      return { ...base, kind: 'read', input: null, output: output as ReadOp['output'] };
    case 'write':
      return { ...base, kind: 'write', input: inv.input, output: output as WriteOp['output'] };
    case 'cas':
      return { ...base, kind: 'cas', input: inv.input, output: output as CasOp['output'] };
    case 'delete':
      return { ...base, kind: 'delete', input: null, output: output as DeleteOp['output'] };
  }
}
