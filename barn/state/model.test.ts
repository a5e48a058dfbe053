// Seeded model-based test: random entries (commands, no-ops, garbage, re-applied indexes, crashed write
// transactions, snapshot restores, late and lost notifications) go to the real state machine on a MemoryBackend and to the reference
// model; after every step the results, events, records, revision, applied index, compaction point and
// history must agree. Two watchers ride along — one always ready, one that pauses at random, overflows and
// re-watches — and must end up with exactly the model's events for their prefix, in order, none twice.
// A failure names its seed: RUNINK_SEED=<seed> runs that seed alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rng } from '../../common/rng.ts';
import { seededRng } from '../../common/rng.ts';
import type { KvEvent, KvReader } from './backend.ts';
import { applyEntry } from './apply.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import { encodeSnapshot, restoreSnapshot } from './snapshot.ts';
import { formatEvent, formatResult, formatState } from './testing/format.ts';
import type { ModelEntry } from './testing/reference-model.ts';
import { ReferenceModel } from './testing/reference-model.ts';
import { PREFIXES, randomEntry } from './testing/random-entries.ts';
import type { WatchClose } from './watch-hub.ts';
import { WatchHub } from './watch-hub.ts';

const SEEDS = 200;
const STEPS = 200;

function payloadOf(entry: ModelEntry): Uint8Array {
  switch (entry.kind) {
    case 'noop':
      return new Uint8Array();
    case 'garbage':
      return new TextEncoder().encode(entry.payload);
    case 'command':
      return encodeCommand(entry.command);
  }
}

/** A reader that forwards to whichever backend is current (a snapshot restore swaps in a new one). */
function forwarding(current: () => KvReader): KvReader {
  return {
    get: (k) => current().get(k),
    range: (s, e, l) => current().range(s, e, l),
    revision: () => current().revision(),
    appliedIndex: () => current().appliedIndex(),
    compactedRevision: () => current().compactedRevision(),
    history: (s, e, f, l) => current().history(s, e, f, l),
  };
}

/** A watch client that may pause (send → false) and, when closed, re-watches from lastRevision + 1. */
class Client {
  readonly seen: KvEvent[] = [];
  /** Revision ranges lost to compaction after an overflow (the client would re-list those keys). */
  readonly gaps: Array<[number, number]> = [];
  readonly closes: string[] = [];
  private handle: { resume(): void; lastRevision(): number } | undefined;

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    private readonly accept: () => boolean,
  ) {
    this.start(1);
  }

  resume(): void {
    this.handle?.resume();
  }

  private start(from: number): void {
    const r = this.hub.watch(this.prefix, from, (events) => this.receive(events), (reason) => this.closed(reason));
    if (r.ok) {
      this.handle = r.handle;
      return;
    }
    assert.equal(r.code, 'BARN_COMPACTED');
    this.gaps.push([from, r.compactedRevision! - 1]);
    this.start(r.compactedRevision!);
  }

  private receive(events: readonly KvEvent[]): boolean {
    this.seen.push(...events);
    return this.accept();
  }

  /** Overflow, or compaction while paused or behind a lost notify: resume after the last event received. */
  private closed(reason: WatchClose): void {
    this.closes.push(reason.code);
    assert.ok(reason.lastRevision >= (this.seen.at(-1)?.revision ?? 0), 'lastRevision covers every event received');
    this.start(reason.lastRevision + 1);
  }
}

function expectedFor(client: Client, log: readonly KvEvent[]): string[] {
  const lost = (rev: number): boolean => client.gaps.some(([a, b]) => rev >= a && rev <= b);
  return log.filter((e) => e.record.key.startsWith(client.prefix) && !lost(e.revision)).map(formatEvent);
}

function runSeed(seed: number): void {
  const rng: Rng = seededRng(seed);
  const model = new ReferenceModel();
  let backend = new MemoryBackend();
  const hub = new WatchHub(forwarding(() => backend), { maxBufferedEvents: 6, catchUpPageSize: 4 });
  const steady = new Client(hub, PREFIXES[rng.int(PREFIXES.length)]!, () => true);
  let flakyOpen = true;
  const flaky = new Client(hub, PREFIXES[rng.int(PREFIXES.length)]!, () => flakyOpen);

  for (let step = 0; step < STEPS; step++) {
    const where = `seed ${seed} step ${step} (reproduce: RUNINK_SEED=${seed})`;
    const action = rng.int(100);
    flakyOpen = rng.int(10) >= 3;
    if (rng.int(2) === 0) flaky.resume();

    if (action < 3) {
      // A crash inside the write transaction: nothing of the entry may stay.
      const entry = randomEntry(rng, model);
      assert.throws(() => backend.write((w) => (applyEntry(w, model.applied + 1, payloadOf(entry)), fail())), /crash/, where);
    } else if (action < 6) {
      const restored = new MemoryBackend();
      const r = restored.write((w) => restoreSnapshot(w, encodeSnapshot(backend)));
      assert.equal(r.ok, true, where);
      backend = restored;
      hub.resync();
    } else {
      const reapply = action < 10 && model.applied > 0;
      const index = reapply ? 1 + rng.int(model.applied) : model.applied + 1 + (rng.int(20) === 0 ? 1 : 0);
      const entry = randomEntry(rng, model);
      const actual = backend.write((w) => applyEntry(w, index, payloadOf(entry)));
      const expected = model.apply(index, entry);
      const context = `${where}: entry ${index} ${JSON.stringify(entry).slice(0, 300)}`;
      assert.equal(formatResult(actual, false), formatResult(expected, false), context);
      assert.deepEqual((actual.ok ? actual.events : []).map(formatEvent), (expected.ok ? expected.events : []).map(formatEvent), context);
      if (actual.ok) notifyLike(rng, hub, actual.events);
    }
    assert.equal(formatState(backend), model.format(), where);
  }

  flakyOpen = true;
  hub.resync(); // the last notification may have been lost
  flaky.resume();
  for (const client of [steady, flaky]) {
    assert.deepEqual(client.seen.map(formatEvent), expectedFor(client, model.log), `seed ${seed}: watcher on ${JSON.stringify(client.prefix)} (RUNINK_SEED=${seed})`);
  }
  assert.ok(!steady.closes.includes('BARN_WATCH_OVERFLOW'), `seed ${seed}: a watcher that never pauses never overflows`);
}

/** Usually notifies at once; sometimes late, after a resync already delivered the events from history (must
 * not duplicate them); sometimes never (the next notify must find the gap and fill it from history). */
function notifyLike(rng: Rng, hub: WatchHub, events: readonly KvEvent[]): void {
  const n = rng.int(100);
  if (n < 5) {
    hub.resync();
    hub.notify(events);
  } else if (n >= 8) {
    hub.notify(events);
  }
}

function fail(): never {
  throw new Error('crash');
}

test(`the state machine agrees with the reference model after every step (${SEEDS} seeds × ${STEPS} steps)`, () => {
  const only = process.env['RUNINK_SEED'];
  const seeds = only === undefined ? Array.from({ length: SEEDS }, (_, i) => i + 1) : [Number(only)];
  for (const seed of seeds) runSeed(seed);
});
