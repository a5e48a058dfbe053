// Minimal HTTP to ONE Barn node (no endpoint failover, unlike barn/client.ts): fault tests must know exactly
// which node answered what, and whether a request failed before or after it was sent.
//
// Contracts:
// - `send` resolves with the status and parsed JSON body of any HTTP answer; it rejects on a network error or
//   when no answer arrives within `timeoutMs` (the error keeps undici's `code`, see `wasRefused`).
// - `wasRefused(e)` is true only for errors where the request certainly never reached a server
//   (connection refused): the caller may treat such a write as not applied.
import { Agent, request } from 'undici';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const agent = new Agent({ keepAliveTimeout: 2000, connections: 64, pipelining: 1 });

export async function send(base: string, method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, token: string, timeoutMs: number, body?: unknown): Promise<HttpAnswer> {
  const res = await request(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    dispatcher: agent,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { raw: text };
  }
  return { status: res.statusCode, body: parsed };
}

/** GET `path` and return its JSON body; throws unless the answer is 200. */
export async function getJson<T = Record<string, unknown>>(base: string, path: string, token: string, timeoutMs: number): Promise<T> {
  const r = await send(base, 'GET', path, token, timeoutMs);
  if (r.status !== 200) throw new Error(`GET ${base}${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

export function wasRefused(e: unknown): boolean {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return err?.code === 'ECONNREFUSED' || err?.cause?.code === 'ECONNREFUSED';
}

/** Polls `fn` every 50 ms until it returns a value (errors count as "not yet"); throws after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
