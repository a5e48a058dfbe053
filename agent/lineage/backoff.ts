// Exponential backoff for lineage delivery: initial × factor^(attempt−1), capped, never below a server's
// Retry-After. With an Rng, "equal jitter" spreads retries of many agents over [delay/2, delay). Pure.
import type { Rng } from '../../common/rng.ts';

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 60_000, factor: 2 };

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, rng?: Rng, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  const jittered = rng === undefined ? exp : exp / 2 + rng.next() * (exp / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(policy.maxMs, retryAfterMs);
  return Math.round(Math.max(jittered, floor));
}

/** Whether an HTTP status means "try again later" rather than "this event will never be accepted". */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** `Retry-After` in ms: delta-seconds, or an HTTP date relative to `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
