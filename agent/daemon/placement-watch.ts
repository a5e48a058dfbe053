// Keeps an up-to-date copy of every key under a prefix (the agent's placements) from Barn:
//   list (range) at revision R → watch from R + 1 → apply each batch of events → …
// After a disconnect (node down, leader change, network) it re-watches from the last revision it applied + 1 on
// the next endpoint, so no event is missed or applied twice; when that revision was compacted (BARN_COMPACTED)
// it lists afresh. `relist()` forces a fresh list (the daemon calls it when a fence proves its view stale).
// `onChange` gets the whole map after every list and every applied batch (level-triggered consumers).
import { BarnClient } from '../../barn/client.ts';
import type { KvRecord } from '../../barn/state/backend.ts';

export interface PlacementWatchOptions {
  readonly endpoints: readonly string[];
  readonly token: string;
  readonly prefix: string;
  readonly onChange: (records: ReadonlyMap<string, KvRecord>, revision: number) => void;
  /** Told about every failed list or watch (for metrics and logs); the watch goes on. */
  readonly onError?: (what: string, e: unknown) => void;
  /** Delay before retrying after a failure: doubles from retryMs up to 5 s (default 100 ms). */
  readonly retryMs?: number;
}

export class PlacementWatch {
  /** One client per endpoint: a watch that failed moves to the next endpoint itself. */
  private readonly clients: BarnClient[];
  private readonly records = new Map<string, KvRecord>();
  private revision = 0;
  private needList = true;
  private next = 0;
  private stopped = false;
  private current: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** Full listings done so far (the first one, then one per compaction or relist()). */
  lists = 0;

  constructor(private readonly options: PlacementWatchOptions) {
    this.clients = options.endpoints.map((e) => new BarnClient({ endpoints: [e], token: options.token }));
  }

  start(): void {
    this.loop ??= this.run();
  }

  relist(): void {
    this.needList = true;
    this.current?.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    await this.loop;
    await Promise.all(this.clients.map((c) => c.close()));
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const client = this.clients[this.next % this.clients.length]!;
      let ok = true;
      try {
        if (this.needList) await this.list(client);
        else ok = await this.watch(client);
      } catch (e) {
        if (this.stopped) break;
        ok = false;
        this.options.onError?.(this.needList ? 'list' : 'watch', e);
      }
      if (ok) {
        failures = 0;
        continue;
      }
      failures++;
      this.next++;
      await sleep(Math.min(5000, (this.options.retryMs ?? 100) * 2 ** Math.min(failures - 1, 10)));
    }
  }

  private async list(client: BarnClient): Promise<void> {
    const r = await client.range(this.options.prefix);
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    this.records.clear();
    for (const rec of r.value.records) this.records.set(rec.key, rec);
    this.revision = r.value.revision;
    this.needList = false;
    this.lists++;
    this.options.onChange(this.records, this.revision);
  }

  /** One watch stream; true when it ended for a reason that needs no backoff. */
  private async watch(client: BarnClient): Promise<boolean> {
    const controller = new AbortController();
    this.current = controller;
    try {
      const r = await client.watch(this.options.prefix, this.revision + 1, (events) => {
        for (const e of events) {
          if (e.type === 'put') this.records.set(e.record.key, e.record);
          else this.records.delete(e.record.key);
          this.revision = Math.max(this.revision, e.revision);
        }
        this.options.onChange(this.records, this.revision);
      }, controller.signal);
      if (r.error?.code === 'BARN_COMPACTED') {
        this.needList = true;
        return true;
      }
      if (r.error !== undefined) throw new Error(`${r.error.code}: ${r.error.message}`);
      return false;
    } catch (e) {
      if (controller.signal.aborted) return true;
      throw e;
    } finally {
      this.current = undefined;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
