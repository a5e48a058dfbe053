// Human-readable failure messages for the fault tests: the checker's own rendering of a violation
// (test/linearizability/render.ts) followed by the faults injected shortly before and during it, on the same
// clock, so a reader sees which fault preceded it.
import type { CheckResult } from '../linearizability/check.ts';
import { renderViolation } from '../linearizability/render.ts';
import type { TimelineEntry } from './fault-schedule.ts';

/** How far before the first pending op of a violation faults are listed (ms). */
const LOOKBACK_MS = 5000;

export function renderCheck(result: CheckResult, timeline: readonly TimelineEntry[]): string {
  if (result.ok === true) return 'linearizable';
  if (result.ok === 'unknown') return `checker gave up: ${result.reason}`;
  const calls = result.pending.map((p) => p.op.call);
  const from = (calls.length > 0 ? Math.min(...calls) : 0) - LOOKBACK_MS;
  const near = timeline.filter((t) => t.time >= from);
  return `${renderViolation(result, { context: 8, maxLines: 60 })}\nfaults from t=${from.toFixed(0)} on:\n${near.length > 0 ? renderTimeline(near) : '  (none)'}`;
}

export function renderTimeline(timeline: readonly TimelineEntry[]): string {
  return timeline.map((t) => `  t=${t.time.toFixed(0)} ${t.what}`).join('\n');
}
