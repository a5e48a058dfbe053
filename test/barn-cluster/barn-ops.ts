// One register operation against one Barn node over HTTP, and what its answer means for the history.
//
// How an answer is classified (barn/node/barn-node.ts, barn/http/app.ts):
// - 200: done. GET 404 BARN_KEY_NOT_FOUND: a completed read of an absent key. PUT-with-ifRevision 409
//   BARN_COMPARE_FAILED: a completed cas that failed (nothing written).
// - 503 BARN_UNAVAILABLE with `retry: true` ("no leader right now …", "proposal dropped …"): rejected BEFORE
//   the command entered any log, so definitely not applied ("failed"). Any other 503 (e.g. "node is shutting
//   down", which also rejects waiters of proposals already in the log) is treated as unknown.
// - 504 BARN_TIMEOUT: proposed but not seen applied in time: unknown (it may still apply).
// - Connection refused: the request never reached a node: failed. Any other network error or a client-side
//   timeout: unknown (the node may have received and proposed it).
// - Other 4xx: the request was invalid, so not applied, but it means the harness is wrong: "rejected".
// - 5xx other than the above: unknown, and reported (a server error is worth a look).
import type { Output } from '../linearizability/history.ts';
import { send, wasRefused, type HttpAnswer } from './node-http.ts';

/** What a client believes a key holds: absent, or a value with the modRevision it was written at. */
export type Known = { readonly found: false } | { readonly found: true; readonly value: unknown; readonly modRevision: number };

export type OpRequest =
  /** `stale`: read the node's local replica (NOT linearizable; only for checking that the checker notices). */
  | { readonly kind: 'read'; readonly stale?: boolean }
  | { readonly kind: 'write'; readonly value: unknown }
  /** `ifRevision` must be the modRevision of `expect` (0 when expecting the key absent). */
  | { readonly kind: 'cas'; readonly ifRevision: number; readonly value: unknown }
  | { readonly kind: 'delete' };

export type OpOutcome =
  | { readonly kind: 'ok'; readonly output: Output; readonly known?: Known }
  | { readonly kind: 'failed' | 'unknown' | 'rejected'; readonly why: string };

export async function runOp(base: string, token: string, key: string, op: OpRequest, timeoutMs: number): Promise<OpOutcome> {
  const path = `/v1/kv/${encodeURIComponent(key)}`;
  let answer: HttpAnswer;
  try {
    answer =
      op.kind === 'read'
        ? await send(base, 'GET', op.stale === true ? `${path}?stale=true` : path, token, timeoutMs)
        : op.kind === 'delete'
          ? await send(base, 'DELETE', path, token, timeoutMs)
          : await send(base, 'PUT', path, token, timeoutMs, { value: op.value, ...(op.kind === 'cas' ? { ifRevision: op.ifRevision } : {}) });
  } catch (e) {
    const why = `network: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
    return wasRefused(e) ? { kind: 'failed', why } : { kind: 'unknown', why };
  }
  return classify(op, answer);
}

export function classify(op: OpRequest, a: HttpAnswer): OpOutcome {
  const code = String(a.body['code'] ?? '');
  const message = String(a.body['message'] ?? '');
  const why = `${a.status} ${code} ${message}`.trim();
  if (a.status === 200) return okOutcome(op, a.body);
  if (op.kind === 'read' && a.status === 404 && code === 'BARN_KEY_NOT_FOUND') {
    return { kind: 'ok', output: { found: false, value: null }, known: { found: false } };
  }
  if (op.kind === 'cas' && a.status === 409 && code === 'BARN_COMPARE_FAILED') {
    return { kind: 'ok', output: { ok: false }, ...knownFromCurrent(a.body['current']) };
  }
  if (a.status === 503 && code === 'BARN_UNAVAILABLE' && a.body['retry'] === true) return { kind: 'failed', why };
  if (a.status >= 400 && a.status < 500) return { kind: 'rejected', why };
  return { kind: 'unknown', why };
}

function okOutcome(op: OpRequest, body: Record<string, unknown>): OpOutcome {
  switch (op.kind) {
    case 'read':
      return { kind: 'ok', output: { found: true, value: body['value'] }, known: { found: true, value: body['value'], modRevision: Number(body['modRevision']) } };
    case 'write':
      return { kind: 'ok', output: { ok: true, revision: Number(body['revision']) }, known: { found: true, value: op.value, modRevision: Number(body['modRevision']) } };
    case 'cas':
      return { kind: 'ok', output: { ok: true }, known: { found: true, value: op.value, modRevision: Number(body['modRevision']) } };
    case 'delete':
      return { kind: 'ok', output: { ok: Number(body['deleted']) > 0 }, known: { found: false } };
  }
}

function knownFromCurrent(current: unknown): { known?: Known } {
  if (current === null) return { known: { found: false } };
  if (current === undefined || typeof current !== 'object') return {};
  const c = current as { value?: unknown; modRevision?: unknown };
  return typeof c.modRevision === 'number' ? { known: { found: true, value: c.value, modRevision: c.modRevision } } : {};
}
