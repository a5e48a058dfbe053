// BarnClient: the typed client of Barn's HTTP API (used by the CLI, agents and the reconciler). Keep-alive
// connections through undici; any node can serve any request (followers forward writes).
//
// Retry contract: a read is retried on the next endpoint after any failure. A write is retried elsewhere only
// when it certainly did not happen — the connection was refused, or the node answered 503 with `retry: true`
// (no leader, proposal dropped). Any other failure after a write was sent (reset, timeout, 504) makes its
// outcome unknown: the client throws BARN_UNKNOWN_OUTCOME instead of retrying, because a retried
// compare-and-set would find its own write and report a failed compare. BARN_UNAVAILABLE when no node answers.
// Responses that are answers (404, 409, …) are returned as data, not thrown.
import { Agent, request } from 'undici';
import { RuninkError } from '../common/error.ts';
import type { KvRecord, KvEvent } from './state/backend.ts';
import type { Compare, Op } from './state/commands.ts';
import type { MemberInfo, NodeStatus } from './node/service.ts';

export interface ClientOptions {
  readonly endpoints: readonly string[];
  readonly token: string;
  /** Per-request timeout (ms). */
  readonly timeoutMs?: number;
}

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string; current?: KvRecord | null };

export interface PutResult extends KvRecord {
  readonly revision: number;
}

export class BarnClient {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  private preferred = 0;

  constructor(private readonly options: ClientOptions) {
    if (options.endpoints.length === 0) throw new RuninkError('BARN_CLIENT_NO_ENDPOINTS', 'give at least one Barn URL');
  }

  get(key: string, opts: { stale?: boolean } = {}): Promise<Answer<KvRecord & { revision: number }>> {
    return this.call('GET', `/v1/kv/${encodeURIComponent(key)}${opts.stale ? '?stale=true' : ''}`);
  }

  put(key: string, value: unknown, ifRevision?: number): Promise<Answer<PutResult>> {
    return this.call('PUT', `/v1/kv/${encodeURIComponent(key)}`, { value, ...(ifRevision === undefined ? {} : { ifRevision }) });
  }

  delete(key: string, ifRevision?: number): Promise<Answer<{ revision: number; deleted: number }>> {
    return this.call('DELETE', `/v1/kv/${encodeURIComponent(key)}${ifRevision === undefined ? '' : `?ifRevision=${ifRevision}`}`);
  }

  range(prefix: string, opts: { limit?: number; stale?: boolean } = {}): Promise<Answer<{ records: KvRecord[]; revision: number; more: boolean; next?: string }>> {
    const q = new URLSearchParams({ prefix, ...(opts.limit ? { limit: String(opts.limit) } : {}), ...(opts.stale ? { stale: 'true' } : {}) });
    return this.call('GET', `/v1/kv?${q}`);
  }

  txn(compare: Compare[], success: Op[], failure: Op[] = []): Promise<Answer<{ succeeded: boolean; revision: number }>> {
    return this.call('POST', '/v1/txn', { compare, success, failure });
  }

  status(): Promise<Answer<NodeStatus>> {
    return this.call('GET', '/v1/status');
  }

  members(): Promise<Answer<{ members: MemberInfo[] }>> {
    return this.call('GET', '/v1/members');
  }

  addMember(member: MemberInfo): Promise<Answer<{ members: MemberInfo[] }>> {
    return this.call('POST', '/v1/members', member);
  }

  removeMember(id: string): Promise<Answer<{ members: MemberInfo[] }>> {
    return this.call('DELETE', `/v1/members/${encodeURIComponent(id)}`);
  }

  /** Streams watch events; resolves when the stream ends. Re-watch from the last revision + 1 to resume. */
  async watch(prefix: string, fromRevision: number, onEvents: (events: KvEvent[]) => void, signal?: AbortSignal): Promise<{ lastRevision: number; error?: { code: string; message: string } }> {
    const q = new URLSearchParams({ prefix, fromRevision: String(fromRevision) });
    const url = `${this.endpoint()}/v1/watch?${q}`;
    const res = await request(url, { method: 'GET', headers: this.headers(), dispatcher: this.dispatcher, ...(signal ? { signal } : {}) });
    let lastRevision = fromRevision - 1;
    if (res.statusCode !== 200) {
      const body = (await res.body.json()) as { code: string; message: string };
      return { lastRevision, error: body };
    }
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += chunk.toString();
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(message)?.[1];
        const data = /^data: (.+)$/m.exec(message)?.[1];
        if (data === undefined) continue;
        if (event === 'events') {
          const events = (JSON.parse(data) as { events: KvEvent[] }).events;
          lastRevision = events[events.length - 1]?.revision ?? lastRevision;
          onEvents(events);
        } else if (event === 'error') {
          return { lastRevision, error: JSON.parse(data) as { code: string; message: string } };
        }
      }
    }
    return { lastRevision };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private endpoint(): string {
    return this.options.endpoints[this.preferred % this.options.endpoints.length]!.replace(/\/$/, '');
  }

  private headers(withBody = false): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}`, ...(withBody ? { 'content-type': 'application/json' } : {}) };
  }

  private async call<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer<T>> {
    const tries = this.options.endpoints.length;
    const idempotent = method === 'GET';
    let lastError = '';
    for (let i = 0; i < tries; i++) {
      const base = this.endpoint();
      try {
        const res = await request(`${base}${path}`, {
          method,
          headers: this.headers(body !== undefined),
          dispatcher: this.dispatcher,
          headersTimeout: this.options.timeoutMs ?? 10_000,
          bodyTimeout: this.options.timeoutMs ?? 10_000,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const json = (await res.body.json()) as Record<string, unknown>;
        if (res.statusCode === 503 && (idempotent || json['retry'] === true)) {
          lastError = String(json['message'] ?? 'unavailable');
          this.preferred++;
          continue;
        }
        if (res.statusCode >= 400) {
          return { ok: false, status: res.statusCode, code: String(json['code']), message: String(json['message']), ...('current' in json ? { current: json['current'] as KvRecord | null } : {}) };
        }
        return { ok: true, value: json as T };
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        this.preferred++;
        if (!idempotent && !notSent(e)) {
          throw new RuninkError('BARN_UNKNOWN_OUTCOME', `${method} ${path} was sent to ${base} but no answer came back (${lastError}); it may or may not have been applied — read the key before retrying`, { endpoint: base });
        }
      }
    }
    throw new RuninkError('BARN_UNAVAILABLE', `no Barn node answered (${this.options.endpoints.join(', ')}): ${lastError}`, { endpoints: this.options.endpoints });
  }
}

/** Errors that prove the request never reached a server. */
function notSent(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH';
}
