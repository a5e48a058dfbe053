// Test-only: the KV state machine's semantics written as plainly as possible — a Map, three counters and an
// event list — to check the real implementation against (model.test.ts). It shares no code with apply.ts
// (equality is canonical JSON text, key order is plain `<` since generated keys are ASCII, duplicate writes
// are found by brute force).
import { canonicalJson } from '../../../common/canonical-json.ts';
import type { KvEvent, KvRecord } from '../backend.ts';
import type { ApplyOk, ApplyResult, OpResult } from '../apply.ts';
import type { Command, Compare, Op } from '../commands.ts';
import { formatEvent, formatRecord } from './format.ts';

/** What the generator hands to both the model and the real state machine as one Raft entry. */
export type ModelEntry =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'noop' }
  | { readonly kind: 'garbage'; readonly payload: string; readonly code: 'BARN_INVALID_COMMAND' | 'BARN_VALUE_TOO_LARGE' };

export class ReferenceModel {
  readonly records = new Map<string, KvRecord>();
  revision = 0;
  applied = 0;
  compacted = 0;
  /** History as the store keeps it (compacted). */
  history: KvEvent[] = [];
  /** Every event ever written, never compacted: what watchers must have seen. */
  readonly log: KvEvent[] = [];

  apply(index: number, entry: ModelEntry): ApplyResult {
    if (index <= this.applied) return ok('skipped', this.revision);
    this.applied = index;
    switch (entry.kind) {
      case 'noop':
        return ok('noop', this.revision);
      case 'garbage':
        return { ok: false, code: entry.code, message: '', revision: this.revision };
      case 'command':
        return this.command(entry.command);
    }
  }

  private command(c: Command): ApplyResult {
    switch (c.type) {
      case 'put':
      case 'delete': {
        const current = this.records.get(c.key) ?? null;
        if (c.ifRevision !== undefined && (current?.modRevision ?? 0) !== c.ifRevision) {
          return { ok: false, code: 'BARN_COMPARE_FAILED', message: '', revision: this.revision, current };
        }
        return this.ops(c.type, [c]);
      }
      case 'delete-range':
        return this.ops(c.type, [c]);
      case 'txn': {
        if (writesTwice(c.success) || writesTwice(c.failure)) return { ok: false, code: 'BARN_DUPLICATE_KEY', message: '', revision: this.revision };
        const failing = c.compare.findIndex((x) => !this.holds(x));
        if (failing < 0) return { ...this.ops('txn', c.success), succeeded: true };
        const current = this.records.get(c.compare[failing]!.key) ?? null;
        return { ...this.ops('txn', c.failure), succeeded: false, failedCompare: { index: failing, current } };
      }
      case 'compact':
        if (c.revision > this.revision) return { ok: false, code: 'BARN_FUTURE_REVISION', message: '', revision: this.revision };
        if (c.revision <= this.compacted) {
          return { ok: false, code: 'BARN_COMPACTED', message: '', revision: this.revision, compactedRevision: this.compacted };
        }
        this.compacted = c.revision;
        this.history = this.history.filter((e) => e.revision >= c.revision);
        return ok('compact', this.revision);
    }
  }

  private ops(command: 'put' | 'delete' | 'delete-range' | 'txn', ops: readonly Op[]): ApplyOk {
    const rev = this.revision + 1;
    const events: KvEvent[] = [];
    const results: OpResult[] = [];
    const remove = (key: string): KvRecord[] => {
      const prev = this.records.get(key);
      if (!prev) return [];
      this.records.delete(key);
      events.push({ type: 'delete', revision: rev, record: { ...prev, value: null } });
      return [prev];
    };
    for (const op of ops) {
      if (op.type === 'put') {
        const prev = this.records.get(op.key) ?? null;
        const record = { key: op.key, value: op.value, createRevision: prev ? prev.createRevision : rev, modRevision: rev, version: prev ? prev.version + 1 : 1 };
        this.records.set(op.key, record);
        events.push({ type: 'put', revision: rev, record });
        results.push({ type: 'put', record, prev });
      } else if (op.type === 'delete') {
        results.push({ type: 'delete', deleted: remove(op.key) });
      } else {
        const keys = [...this.records.keys()].filter((k) => k.startsWith(op.prefix)).sort();
        results.push({ type: 'delete-range', deleted: keys.flatMap(remove) });
      }
    }
    if (events.length > 0) this.revision = rev;
    this.history.push(...events);
    this.log.push(...events);
    return { ok: true, command, revision: this.revision, results, events };
  }

  private holds(c: Compare): boolean {
    const r = this.records.get(c.key);
    switch (c.target) {
      case 'exists':
        return r !== undefined;
      case 'missing':
        return r === undefined;
      case 'value': {
        if (!r) return false;
        if (c.op === '=') return canonicalJson(r.value) === canonicalJson(c.value);
        if (c.op === '!=') return canonicalJson(r.value) !== canonicalJson(c.value);
        const bothNumbers = typeof r.value === 'number' && typeof c.value === 'number';
        const bothStrings = typeof r.value === 'string' && typeof c.value === 'string';
        if (!bothNumbers && !bothStrings) return false;
        return c.op === '<' ? (r.value as number) < (c.value as number) : (r.value as number) > (c.value as number);
      }
      default: {
        const actual = r ? r[c.target] : 0;
        return c.op === '=' ? actual === c.value : c.op === '!=' ? actual !== c.value : c.op === '<' ? actual < c.value : actual > c.value;
      }
    }
  }

  /** The same text as testing/format.ts formatState gives for a store in this state. */
  format(): string {
    const lines = [`revision=${this.revision} applied=${this.applied} compacted=${this.compacted}`];
    for (const key of [...this.records.keys()].sort()) lines.push(`  ${formatRecord(this.records.get(key)!)}`);
    for (const e of this.history) lines.push(`  ${formatEvent(e)}`);
    return lines.join('\n');
  }
}

function ok(command: 'skipped' | 'noop' | 'compact', revision: number): ApplyResult {
  return { ok: true, command, revision, results: [], events: [] };
}

/** Some put's key is also written by another op of the branch (put, delete, or a covering delete-range). */
function writesTwice(ops: readonly Op[]): boolean {
  return ops.some((a, i) => a.type === 'put' && ops.some((b, j) => i !== j && (b.type === 'delete-range' ? a.key.startsWith(b.prefix) : b.key === a.key)));
}
