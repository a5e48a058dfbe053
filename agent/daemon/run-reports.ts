// Reporting a slot's run to Barn while the agent keeps converging: its lineage events as they appear (one chain
// per slot, so events are stored in order and never twice at once), then, once the slice exited, the last
// events, the final run record, and the slot's local files. Every Barn write is retried with capped backoff
// while Barn is down (given up after 8 attempts, logged and counted); settled() waits for every report begun.
import type { BarnClient } from '../../barn/client.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import { errorData } from './errors.ts';
import type { runJournal } from './local-state.ts';
import type { AgentMetrics } from './metrics.ts';
import { finalRun, finishRun, storeLineage } from './run-reporter.ts';
import type { SliceExit, SliceLauncher } from './slice-launcher.ts';
import type { Slot } from './slot.ts';

const MAX_ATTEMPTS = 9;

export interface RunReportsDeps {
  readonly barn: BarnClient;
  readonly launcher: SliceLauncher;
  readonly journal: ReturnType<typeof runJournal>;
  readonly metrics: AgentMetrics;
  readonly log: (line: string) => void;
  /** The OpenLineage sink, once the agent opened one. */
  readonly openLineage: () => LineageSink | undefined;
}

export class RunReports {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly d: RunReportsDeps) {}

  /** Stores the slot's lineage events written since the last call (chained after any collection in flight). */
  collectLineage(slot: Slot): Promise<void> {
    const handle = slot.handle;
    if (handle === undefined) return slot.lineageChain;
    slot.lineageChain = slot.lineageChain.then(() => this.retrying('lineage', async () => {
      const events = await handle.lineage(slot.lineageNext);
      if (events.length === 0) return;
      this.d.metrics.lineageEvents.inc(await storeLineage(this.d.barn, handle.runId, slot.lineageNext, events, this.d.openLineage()));
      slot.lineageNext += events.length;
    }));
    return slot.lineageChain;
  }

  /** Begins the final report of an exited slot with a run record: last lineage events, the final run record,
   * then the slot's files. */
  report(slot: Slot, exit: SliceExit): void {
    const p = this.finish(slot, exit);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async finish(slot: Slot, exit: SliceExit): Promise<void> {
    const record = slot.record!;
    await this.collectLineage(slot);
    const final = finalRun(record, exit, slot.lineageNext, Date.now());
    await this.retrying('run', () => finishRun(this.d.barn, final));
    if (slot.handle !== undefined) await this.d.launcher.release(record.runId);
    await this.d.journal.remove(record.runId);
  }

  private async retrying(op: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        this.d.metrics.barnErrors.inc({ op });
        if (attempt >= MAX_ATTEMPTS) {
          this.d.log(`${op} report given up: ${errorData(e).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** (attempt - 1))));
      }
    }
  }
}
