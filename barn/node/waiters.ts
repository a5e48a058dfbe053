// Proposals waiting to be applied on this node, by request id. Each waits at most `timeoutMs`; a timeout, like a
// shutdown, rejects with an *unknown outcome* (the entry may already be in the log and still apply).
// Contract: a waiter is settled exactly once — resolved by its apply, or rejected by its timer or by failAll.
import { RuninkError } from '../../common/error.ts';
import type { ApplyResult } from '../state/apply.ts';

interface Waiter {
  resolve(result: ApplyResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class Waiters {
  private readonly byId = new Map<string, Waiter>();

  constructor(private readonly timeoutMs: number, private readonly onTimeout: () => void) {}

  get size(): number {
    return this.byId.size;
  }

  wait(requestId: string): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.byId.delete(requestId);
        this.onTimeout();
        reject(new RuninkError('BARN_TIMEOUT', 'the write was proposed but not applied in time; its outcome is unknown (it may still apply)'));
      }, this.timeoutMs);
      this.byId.set(requestId, { resolve, reject, timer });
    });
  }

  /** Resolves the waiter of `requestId`, if this node has one (a proposal made elsewhere has none). */
  resolve(requestId: string, result: ApplyResult): void {
    const waiter = this.byId.get(requestId);
    if (waiter === undefined) return;
    this.byId.delete(requestId);
    clearTimeout(waiter.timer);
    waiter.resolve(result);
  }

  failAll(error: Error): void {
    for (const w of this.byId.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.byId.clear();
  }
}
