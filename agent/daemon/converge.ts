// The agent's pure decision core: converge(desired, observed, now) → actions. Level-triggered: it looks only at
// what is placed now and what the slots are now, never at the event that woke it, so calling it again with the
// same inputs asks for the same actions (the edge marks a slot `starting`/`stopping` before acting, which makes
// a repeated call a no-op). No I/O, no clock: `now` is passed in.
//
// Rules, per scenario (desired = placed on this agent; slot = what this agent runs or ran for it):
//   placed, no slot                         → start
//   not placed, slot starting/running       → stop (removed)
//   not placed, slot stopping               → wait for the exit
//   not placed, slot exited                 → forget
//   placed, slot active, spec hash differs  → stop (changed); the start follows once it exited
//   placed, slot exited after our stop      → start at once (no backoff: the stop was ours)
//   placed, `once` slot exited COMPLETE     → done for this spec hash (nothing until the spec changes)
//   placed, slot exited otherwise           → start at retryAt (exponential backoff, see recordExit)
// A stream slice should run for ever, so any exit we did not ask for counts as a failure.

export type SliceMode = 'stream' | 'once';

export interface DesiredSlice {
  readonly scenario: string;
  readonly specHash: string;
  /** modRevision of the placement key (contracts/placement.ts). */
  readonly fence: number;
  readonly mode: SliceMode;
}

export type Outcome = 'COMPLETE' | 'FAIL' | 'ABORT';

export type SlotView =
  | { readonly phase: 'starting' | 'running' | 'stopping'; readonly specHash: string; readonly fence: number; readonly startedAt: number; readonly failures: number }
  | {
      readonly phase: 'exited';
      readonly specHash: string;
      readonly fence: number;
      readonly outcome: Outcome;
      /** The agent stopped it (removed / changed / shutdown), so the exit is not a failure. */
      readonly stoppedByAgent: boolean;
      readonly failures: number;
      /** Earliest next start (ms), after a failure. */
      readonly retryAt: number;
    };

export type Action =
  | { readonly type: 'start'; readonly scenario: string; readonly desired: DesiredSlice; readonly attempt: number }
  | { readonly type: 'stop'; readonly scenario: string; readonly reason: 'removed' | 'changed' }
  | { readonly type: 'forget'; readonly scenario: string };

export interface ConvergeResult {
  readonly actions: readonly Action[];
  /** Earliest time a backoff ends: call converge again then (undefined = only on the next change). */
  readonly wakeAt?: number;
}

export function converge(desired: ReadonlyMap<string, DesiredSlice>, observed: ReadonlyMap<string, SlotView>, now: number): ConvergeResult {
  const actions: Action[] = [];
  let wakeAt: number | undefined;
  const scenarios = [...new Set([...desired.keys(), ...observed.keys()])].sort();
  for (const scenario of scenarios) {
    const d = desired.get(scenario);
    const s = observed.get(scenario);
    if (s === undefined) {
      if (d !== undefined) actions.push({ type: 'start', scenario, desired: d, attempt: 1 });
      continue;
    }
    if (d === undefined) {
      switch (s.phase) {
        case 'starting':
        case 'running':
          actions.push({ type: 'stop', scenario, reason: 'removed' });
          break;
        case 'stopping':
          break;
        case 'exited':
          actions.push({ type: 'forget', scenario });
          break;
      }
      continue;
    }
    switch (s.phase) {
      case 'starting':
      case 'running':
        if (s.specHash !== d.specHash) actions.push({ type: 'stop', scenario, reason: 'changed' });
        break;
      case 'stopping':
        break;
      case 'exited': {
        const changed = s.specHash !== d.specHash;
        if (!changed && d.mode === 'once' && s.outcome === 'COMPLETE') break;
        if (changed || s.stoppedByAgent || now >= s.retryAt) {
          actions.push({ type: 'start', scenario, desired: d, attempt: changed ? 1 : s.failures + 1 });
        } else {
          wakeAt = Math.min(wakeAt ?? s.retryAt, s.retryAt);
        }
        break;
      }
    }
  }
  return wakeAt === undefined ? { actions } : { actions, wakeAt };
}

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** A stream that ran at least this long before failing starts its backoff afresh. */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 60_000, resetAfterMs: 60_000 };

/** Delay before retry number `failures` (1 = after the first failure): base·2^(failures−1), capped. */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * The slot after its slice exited. A success (COMPLETE of a `once` slice) resets the failure count; a stop the
 * agent asked for neither counts nor resets; anything else is one more failure, with retryAt after the backoff.
 * A slice that ran for `resetAfterMs` before failing counts as a first failure again.
 */
export function recordExit(
  slot: { readonly specHash: string; readonly fence: number; readonly startedAt: number; readonly failures: number },
  exit: { readonly outcome: Outcome; readonly stoppedByAgent: boolean; readonly mode: SliceMode },
  now: number,
  policy: BackoffPolicy,
): SlotView {
  const base = { phase: 'exited' as const, specHash: slot.specHash, fence: slot.fence, outcome: exit.outcome, stoppedByAgent: exit.stoppedByAgent };
  if (exit.stoppedByAgent) return { ...base, failures: slot.failures, retryAt: now };
  if (exit.mode === 'once' && exit.outcome === 'COMPLETE') return { ...base, failures: 0, retryAt: now };
  const previous = now - slot.startedAt >= policy.resetAfterMs ? 0 : slot.failures;
  const failures = previous + 1;
  return { ...base, failures, retryAt: now + backoffDelay(failures, policy) };
}
