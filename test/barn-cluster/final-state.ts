// After the faults: let the cluster converge, read the final state from every node, and check that every
// acknowledged write survived.
//
// Contracts:
// - `converge` resolves once every node answers /v1/status with the same leader, commit index and applied
//   index (so all replicas applied the same log prefix); it throws after `timeoutMs`.
// - `readFinal` does a linearizable read of every key through every node, recorded in the history as client
//   `final@<node>` (so the checker also explains the final state), and a stale (local) read of every key on
//   every node; it returns the linearizable values and any node whose local replica differs.
// - `lostWrites` returns a problem for each acknowledged write the final state contradicts. With unique values,
//   the final value identifies the op that wrote it (W); an acknowledged write A is lost if W returned before A
//   was called (A is then ordered after W, so W's value cannot be last). An absent key is explained only by a
//   delete (acknowledged or unknown) that did not return before some acknowledged write was called.
import type { HistoryRecorder } from '../linearizability/history-recorder.ts';
import type { Operation } from '../linearizability/history.ts';
import { formatOp } from '../linearizability/format-op.ts';
import { valueText } from '../linearizability/value-text.ts';
import type { BarnCluster } from './cluster-harness.ts';
import { TOKEN } from './cluster-harness.ts';
import { runOp } from './barn-ops.ts';
import { getJson, waitFor } from './node-http.ts';
import { now } from './workload.ts';

export type FinalValue = { readonly found: false } | { readonly found: true; readonly value: unknown };

interface StatusView {
  readonly leader: string;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

export async function converge(cluster: BarnCluster, timeoutMs: number): Promise<StatusView> {
  return waitFor(async () => {
    const all = await Promise.all(cluster.ids.map((id) => getJson<StatusView>(cluster.url(id), '/v1/status', TOKEN, 1000)));
    const first = all[0]!;
    const same = first.leader !== '' && all.every((s) => s.leader === first.leader && s.commitIndex === first.commitIndex && s.appliedIndex === first.commitIndex);
    return same ? first : undefined;
  }, timeoutMs, 'all nodes to agree on leader, commit and applied index');
}

export async function readFinal(cluster: BarnCluster, keys: readonly string[], recorder: HistoryRecorder): Promise<{ values: Map<string, FinalValue>; divergent: string[] }> {
  const values = new Map<string, FinalValue>();
  const divergent: string[] = [];
  for (const id of cluster.ids) {
    for (const key of keys) {
      const op = recorder.invoke(`final@${id}`, key, { kind: 'read', input: null }, now());
      const out = await runOp(cluster.url(id), TOKEN, key, { kind: 'read' }, 7000);
      if (out.kind !== 'ok') throw new Error(`final read of ${key} on ${id} did not complete: ${out.why}`);
      recorder.ok(op, out.output, now());
      const read = out.output as { found: boolean; value: unknown };
      values.set(key, read.found ? { found: true, value: read.value } : { found: false });
      const stale = await getJson(cluster.url(id), `/v1/kv/${encodeURIComponent(key)}?stale=true`, TOKEN, 2000).catch(() => undefined);
      const local: FinalValue = stale === undefined ? { found: false } : { found: true, value: stale['value'] };
      if (text(local) !== text(values.get(key)!)) divergent.push(`${id}: local ${key} = ${text(local)}, linearizable ${text(values.get(key)!)}`);
    }
  }
  return { values, divergent };
}

export function lostWrites(history: readonly Operation[], finals: ReadonlyMap<string, FinalValue>): string[] {
  const problems: string[] = [];
  for (const [key, final] of finals) {
    const ops = history.filter((op) => op.key === key && !String(op.client).startsWith('final@'));
    const acked = ops.filter((op) => op.return !== undefined && (op.kind === 'write' || (op.kind === 'cas' && op.output?.ok === true)));
    if (final.found) {
      const writer = ops.find((op) => (op.kind === 'write' || op.kind === 'cas') && valueText(op.input.value) === valueText(final.value));
      if (writer === undefined) {
        problems.push(`key ${key} ends at ${valueText(final.value)}, which no client wrote`);
        continue;
      }
      for (const a of acked) {
        if (a !== writer && writer.return !== undefined && writer.return < a.call) problems.push(`key ${key}: acknowledged ${formatOp(a)} is lost: the final value comes from ${formatOp(writer)}, which returned before it was called`);
      }
    } else if (acked.length > 0) {
      const deletes = ops.filter((op) => op.kind === 'delete' && (op.return === undefined || op.output?.ok === true));
      const explains = deletes.some((d) => acked.every((a) => d.return === undefined || d.return >= a.call));
      if (!explains) problems.push(`key ${key} is absent at the end, but no delete could follow every acknowledged write (last: ${formatOp(acked[acked.length - 1]!)})`);
    }
  }
  return problems;
}

function text(v: FinalValue): string {
  return v.found ? valueText(v.value) : '(absent)';
}
