// Progress: the leader's view of one follower. `match` is the highest index known replicated there; `next`
// the next index to send. The state decides how the leader sends:
//   probe     — one append per heartbeat interval until the follower's position is found (after a rejection,
//               on becoming leader, after a snapshot or an unreachable report);
//   replicate — stream appends optimistically, bounded by Inflights;
//   snapshot  — a snapshot is in flight; nothing else is sent until it is reported or acknowledged.
import { Inflights } from './inflights.ts';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  state: ProgressState = 'probe';
  /** Index of the snapshot in flight (snapshot state). */
  pendingSnapshot = 0;
  /** Heard from within the current election timeout (check-quorum). */
  recentActive = false;
  /** Probe: an append was sent and not yet answered. Replicate: the inflight window was full at the last
   * send. Cleared by any acknowledgement or heartbeat response (which lets one more message through). */
  msgAppFlowPaused = false;

  constructor(
    public next: number,
    public inflights: Inflights,
    public isLearner: boolean,
  ) {}

  clone(): Progress {
    const p = new Progress(this.next, this.inflights.clone(), this.isLearner);
    p.match = this.match;
    p.state = this.state;
    p.pendingSnapshot = this.pendingSnapshot;
    p.recentActive = this.recentActive;
    p.msgAppFlowPaused = this.msgAppFlowPaused;
    return p;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      // The follower will have at least the snapshot once it reports back.
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** Bookkeeping after sending an append carrying `entries` entries (`bytes` payload), the last being
   * `lastIndex`. Replicate: advance next optimistically and track the message; probe: pause until answered. */
  sentEntries(entries: number, bytes: number, lastIndex: number): void {
    switch (this.state) {
      case 'replicate':
        if (entries > 0) {
          this.next = lastIndex + 1;
          this.inflights.add(lastIndex, bytes);
        }
        this.msgAppFlowPaused = this.inflights.full();
        return;
      case 'probe':
        this.msgAppFlowPaused = true;
        return;
      case 'snapshot':
        return;
    }
  }

  /** An acknowledgement of index n: returns whether match advanced. Old (reordered) acks change nothing. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** A rejection of the append at index `rejected`, with the follower's hint of where its log may match.
   * Returns false when the rejection is stale (answers an append we have since moved past). */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  describe(): string {
    let s = `State${capitalize(this.state)} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    if (this.inflights.count() > 0) s += ` inflight=${this.inflights.count()}${this.inflights.full() ? '[full]' : ''}`;
    return s;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
