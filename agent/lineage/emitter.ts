// Posts lineage events to an OpenLineage HTTP endpoint (`POST <url>/api/v1/lineage`, one JSON event per
// request, as Marquez takes them) without losing any: `emit` first appends the event to the emitter's spool
// (spool.ts) and resolves once it is on disk; a single delivery loop then posts pending events strictly in
// order, removing each from the spool only after a 2xx. Unreachable endpoint, 5xx, 408 and 429 are retried
// with exponential backoff (honouring Retry-After); any other 4xx can never succeed, so that event is moved to
// `<name>.rejected.ndjson` with the status and reported, and the queue moves on. A new emitter on the same
// spool replays what an earlier one left. Timers, clock, jitter and the HTTP transport are injectable.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { systemClock, type Clock } from '../../common/clock.ts';
import type { RuninkError } from '../../common/error.ts';
import type { Rng } from '../../common/rng.ts';
import { backoffDelay, DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, type BackoffPolicy } from './backoff.ts';
import { LINEAGE_CODES, lineageError } from './errors.ts';
import type { LineageSink } from './lineage-sink.ts';
import type { RunEvent } from './openlineage-types.ts';
import { Spool } from './spool.ts';
import { realTimers, type Timers } from './timers.ts';

export interface HttpResponse {
  readonly status: number;
  readonly retryAfter?: string;
  readonly body?: string;
}

/** Posts one JSON body; `signal` aborts the request when the emitter closes. */
export type Transport = (url: string, body: string, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<HttpResponse>;

export interface HttpEmitterOptions {
  /** Endpoint base URL (`http://marquez:5000`); `/api/v1/lineage` is appended unless already there. */
  readonly url: string;
  readonly spoolDir: string;
  /** Spool file stem, one per emitter (default `openlineage`). */
  readonly name?: string;
  /** Bound on spooled bytes (default 64 MiB). */
  readonly maxSpoolBytes?: number;
  readonly backoff?: BackoffPolicy;
  /** Extra request headers, e.g. `Authorization: Bearer …`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly requestTimeoutMs?: number;
  readonly fsync?: boolean;
  readonly timers?: Timers;
  readonly clock?: Clock;
  /** Jitter for the backoff; none when absent. */
  readonly rng?: Rng;
  readonly transport?: Transport;
  /** Told about every failed delivery attempt (LINEAGE_ENDPOINT_UNAVAILABLE) and rejected event
   * (LINEAGE_ENDPOINT_REJECTED); delivery goes on either way. */
  readonly onError?: (error: RuninkError) => void;
}

export interface HttpEmitter extends LineageSink {
  /** Events spooled and not yet accepted by the endpoint. */
  pendingCount(): number;
  /** Resolves when every spooled event has been delivered (or rejected); rejects if the emitter closes first. */
  flush(): Promise<void>;
  /** Cancels a backoff wait and tries the endpoint again now. */
  retryNow(): void;
}

export const LINEAGE_PATH = '/api/v1/lineage';

export function lineageUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith(LINEAGE_PATH) ? base : `${base}${LINEAGE_PATH}`;
}

/** Opens the spool (replaying what it holds) and starts delivering. */
export async function openHttpEmitter(opts: HttpEmitterOptions): Promise<HttpEmitter> {
  const name = opts.name ?? 'openlineage';
  const spool = await Spool.open({ dir: opts.spoolDir, name, maxBytes: opts.maxSpoolBytes ?? 64 * 1024 * 1024, fsync: opts.fsync });
  const rejectedPath = join(opts.spoolDir, `${name}.rejected.ndjson`);
  const target = lineageUrl(opts.url);
  const timers = opts.timers ?? realTimers;
  const clock = opts.clock ?? systemClock;
  const policy = opts.backoff ?? DEFAULT_BACKOFF;
  const agent = opts.transport === undefined ? new Agent({ connect: { timeout: opts.requestTimeoutMs ?? 10_000 } }) : undefined;
  const transport = opts.transport ?? undiciTransport(agent as Agent, opts.requestTimeoutMs ?? 10_000);
  const headers = { 'content-type': 'application/json', ...opts.headers };
  const report = (e: RuninkError): void => opts.onError?.(e);

  let closed = false;
  let attempt = 0;
  let timer: unknown;
  let loop: Promise<void> | undefined;
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const stop = new AbortController();

  const settle = (): void => {
    if (spool.pending().length > 0) return;
    const w = waiters;
    waiters = [];
    for (const x of w) x.resolve();
  };

  const deliver = async (): Promise<void> => {
    while (!closed) {
      const head = spool.pending()[0];
      if (head === undefined) return settle();
      let res: HttpResponse | undefined;
      let failure: unknown;
      try {
        res = await transport(target, JSON.stringify(head.event), headers, stop.signal);
      } catch (e) {
        failure = e;
      }
      if (res !== undefined && res.status >= 200 && res.status < 300) {
        await spool.ack(head.seq);
        attempt = 0;
        continue;
      }
      if (res !== undefined && !isRetryableStatus(res.status)) {
        await appendFile(rejectedPath, `${JSON.stringify({ status: res.status, body: (res.body ?? '').slice(0, 2000), event: head.event })}\n`);
        await spool.ack(head.seq);
        attempt = 0;
        report(lineageError(LINEAGE_CODES.ENDPOINT_REJECTED, `${target} rejected a lineage event with HTTP ${res.status}; it was moved to ${rejectedPath}`, { url: target, status: res.status, rejectedPath }));
        continue;
      }
      if (closed) return;
      attempt++;
      const delayMs = backoffDelay(attempt, policy, opts.rng, parseRetryAfter(res?.retryAfter, clock.now()));
      const why = res === undefined ? String((failure as Error | undefined)?.message ?? failure) : `HTTP ${res.status}`;
      report(lineageError(LINEAGE_CODES.ENDPOINT_UNAVAILABLE, `${target} did not take lineage (${why}); retry ${attempt} in ${delayMs} ms, ${spool.pending().length} events spooled`, { url: target, attempt, delayMs, pending: spool.pending().length }, failure));
      timer = timers.setTimeout(() => {
        timer = undefined;
        kick();
      }, delayMs);
      return;
    }
  };

  const kick = (): void => {
    if (closed || loop !== undefined || timer !== undefined) return;
    loop = deliver()
      .catch((e: unknown) => {
        // Spool I/O failed: stop this round; the next emit or retryNow starts again.
        for (const w of waiters.splice(0)) w.reject(e);
      })
      .finally(() => {
        loop = undefined;
      });
  };

  kick();
  return {
    async emit(event: RunEvent): Promise<void> {
      if (closed) throw lineageError(LINEAGE_CODES.EMITTER_CLOSED, `lineage emitter for ${target} is closed`, { url: target });
      await spool.append(event);
      kick();
    },
    pendingCount: () => spool.pending().length,
    flush(): Promise<void> {
      if (closed) return Promise.reject(lineageError(LINEAGE_CODES.EMITTER_CLOSED, `lineage emitter for ${target} is closed`, { url: target }));
      return new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
        settle();
        kick();
      });
    },
    retryNow(): void {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      kick();
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      stop.abort();
      await loop;
      const left = spool.pending().length;
      for (const w of waiters.splice(0)) {
        w.reject(lineageError(LINEAGE_CODES.EMITTER_CLOSED, `lineage emitter closed with ${left} events spooled; they are sent when it reopens`, { url: target, pending: left }));
      }
      await spool.close();
      await agent?.close();
    },
  };
}

function undiciTransport(agent: Agent, timeoutMs: number): Transport {
  return async (url, body, headers, signal) => {
    const res = await request(url, { method: 'POST', body, headers: { ...headers }, dispatcher: agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal });
    const text = await res.body.text();
    const retryAfter = res.headers['retry-after'];
    return { status: res.statusCode, body: text, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) };
  };
}
