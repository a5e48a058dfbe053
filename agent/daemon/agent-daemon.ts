// The agent daemon (`runi agent start`): the edge around the pure converge() core.
//
//   start: lock the data root → sweep slices a previous agent process left (stop them, report their runs)
//          → acquire the node's lease → serve /metrics → list + watch /runink/placements/<node>/ → tick
//   every change (placements, a slice exit, a backoff ending) → pass():
//          converge(desired from placements, slot views, now) → for each action: mark the slot (starting /
//          stopping / forgotten) synchronously, then do the I/O in the background; a pass that finds a pass
//          running asks it to go round again, so passes never overlap and none is lost.
//   start of a slice: read /runink/pipelines/<pipeline> (commit and spec hash must match the placement) → the
//          commit's files → the fenced txn creating /runink/runs/<scenario>/<run> (stale fence → not started,
//          placements re-listed) → launcher.launch.
//   tick (ttl/3, at most 1 s): renew the lease with the slices' state in the agent record; copy new lineage
//          events of running slices to /runink/lineage/<run>/<seq>.
//   slice exit: last lineage events → final run record → recordExit() (backoff) → release the slot's files.
//   stop: halt (stop every slice (ABORT), wait for their reports), then release the lease, the metrics server,
//          the Barn clients, the OpenLineage emitter and the data root. Both steps run once, whoever asks first:
//          a lost lease halts on its own and stop() still releases; a stop() while start() is under way aborts
//          the lease wait and waits for start() to give up before halting.
// Ownership: only pass() and the start/exit handlers change `slots` (slot.ts).
import { randomInt, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BarnClient } from '../../barn/client.ts';
import type { KvRecord } from '../../barn/state/backend.ts';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import { seededRng } from '../../common/rng.ts';
import type { AgentRecord } from '../../contracts/agent-record.ts';
import { RUNINK_API_VERSION, type PlacementValue, type RunRecord } from '../../contracts/placement.ts';
import { openHttpEmitter } from '../lineage/emitter.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import { uuidV7 } from '../lineage/run-id.ts';
import { converge, DEFAULT_BACKOFF, recordExit, type BackoffPolicy, type DesiredSlice } from './converge.ts';
import type { AgentDaemonOptions } from './agent-daemon-options.ts';
import { agentError, AGENT_CODES, errorData } from './errors.ts';
import { AgentLeaseKeeper } from './lease.ts';
import { commitRoot, lockDataRoot, runJournal, type DataRootLock } from './local-state.ts';
import { AgentMetrics, serveMetrics, type MetricsServer } from './metrics.ts';
import { PlacementWatch } from './placement-watch.ts';
import { confinedLauncher } from './confined-launcher.ts';
import { closeLeftovers } from './leftovers.ts';
import { placedSpec } from './placed-spec.ts';
import { newRun, startRun } from './run-reporter.ts';
import { RunReports } from './run-reports.ts';
import { desiredSlices, parsePlacements, type Placed } from './placements.ts';
import { sliceReports, type Slot } from './slot.ts';
import type { SliceExit, SliceLauncher } from './slice-launcher.ts';

export class AgentDaemon {
  readonly metrics = new AgentMetrics();
  readonly session = randomUUID();
  private readonly barn: BarnClient;
  private readonly leaseBarn: BarnClient;
  private readonly launcher: SliceLauncher;
  private readonly lease: AgentLeaseKeeper;
  private readonly watch: PlacementWatch;
  private readonly backoff: BackoffPolicy;
  private readonly ttlMs: number;
  private readonly graceMs: number;
  private readonly rng = seededRng(randomInt(2 ** 31));
  private readonly log: (line: string) => void;
  private readonly journal: ReturnType<typeof runJournal>;
  private readonly runs: RunReports;
  private placements = new Map<string, Placed>();
  private readonly slots = new Map<string, Slot>();
  private readonly starts = new Map<string, number>();
  private readonly launches = new Set<Promise<void>>();
  private lock: DataRootLock | undefined;
  private server: MetricsServer | undefined;
  private openLineage: LineageSink | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private passing = false;
  private ticking = false;
  private again = false;
  private changedAt: number | undefined;
  private stopping = false;
  private readonly abort = new AbortController();
  private starting: Promise<void> | undefined;
  private halted: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private tickRun: Promise<void> | undefined;
  private fatal: ((e: Error) => void) | undefined;
  /** Rejects when the agent must end on its own (lease lost); never resolves. */
  readonly failed: Promise<never>;

  constructor(private readonly o: AgentDaemonOptions) {
    this.barn = new BarnClient({ endpoints: o.endpoints, token: o.token });
    this.log = o.log ?? (() => {});
    this.launcher = o.launcher ?? confinedLauncher({ dataRoot: o.dataRoot, log: this.log });
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.ttlMs = o.leaseTtlMs ?? 10_000;
    this.graceMs = o.stopGraceMs ?? 10_000;
    this.journal = runJournal(o.dataRoot);
    this.runs = new RunReports({ barn: this.barn, launcher: this.launcher, journal: this.journal, metrics: this.metrics, log: this.log, openLineage: () => this.openLineage });
    this.failed = new Promise<never>((_, reject) => {
      this.fatal = reject;
    });
    this.failed.catch(() => undefined);
    // The lease has its own client with a short timeout: a hung renewal must not outlast the ttl.
    this.leaseBarn = new BarnClient({ endpoints: o.endpoints, token: o.token, timeoutMs: Math.max(1000, Math.floor(this.ttlMs / 3)) });
    this.lease = new AgentLeaseKeeper({
      barn: this.leaseBarn,
      key: domainKey({ kind: 'agent', agent: o.node }),
      ttlMs: this.ttlMs,
      session: this.session,
      record: (lease) => this.agentRecord(lease),
      holderDead: async (session) => session === this.lock?.previousSession,
      onWaiting: (holder) => this.log(`waiting for the lease of node ${o.node} held by session ${holder} (expires ${this.ttlMs} ms after its last renewal)`),
    });
    this.watch = new PlacementWatch({
      endpoints: o.endpoints,
      token: o.token,
      prefix: domainPrefix.placementsOf(o.node),
      onChange: (records) => this.onPlacements(records),
      onError: (what, e) => {
        this.metrics.barnErrors.inc({ op: what });
        this.log(`placement ${what} failed: ${errorData(e).message}`);
      },
    });
  }

  get metricsUrl(): string | undefined {
    return this.server?.url;
  }

  /** Rejects with AGENT_STOPPED when stop() was called before it finished (nothing is left running then). */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(this.stoppedError());
    return (this.starting ??= this.startOnce());
  }

  private async startOnce(): Promise<void> {
    await mkdir(this.o.dataRoot, { recursive: true });
    this.checkNotStopping();
    // Every resource is stored on `this` as soon as it exists, so release() finds it whenever stop() comes.
    this.lock = await lockDataRoot(this.o.dataRoot, this.session);
    this.checkNotStopping();
    await this.sweep();
    this.checkNotStopping();
    await this.lease.acquire(this.abort.signal).catch((e: unknown) => {
      throw this.stopping ? this.stoppedError() : e;
    });
    this.checkNotStopping();
    this.log(`agent ${this.o.node} holds its lease (session ${this.session}, ttl ${this.ttlMs} ms)`);
    if (this.o.openLineageUrl !== undefined) {
      this.openLineage = await openHttpEmitter({ url: this.o.openLineageUrl, spoolDir: join(this.o.dataRoot, '.runi', 'openlineage'), onError: (e) => this.log(`openlineage: ${e.message}`) });
      this.checkNotStopping();
    }
    if (this.o.metricsListen !== undefined) {
      this.server = await serveMetrics(this.o.metricsListen, this.metrics, () => ({ ok: this.lease.held && !this.stopping, detail: { node: this.o.node, session: this.session, slices: this.slots.size } }));
      this.checkNotStopping();
    }
    this.watch.start();
    const every = Math.max(50, Math.min(1000, Math.floor(this.ttlMs / 3)));
    this.ticker = setInterval(() => void this.tick(), every);
  }

  private checkNotStopping(): void {
    if (this.stopping) throw this.stoppedError();
  }

  private stoppedError(): Error {
    return agentError(AGENT_CODES.STOPPED, `agent ${this.o.node} was stopped before it had started`);
  }

  /** Stops every slice and releases everything the agent holds; idempotent, and complete also after the agent
   * halted on its own (lease lost). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    // start() sees `stopping` after its current await and gives up; only then is everything it made on `this`.
    await this.starting?.catch(() => undefined);
    await this.halt();
    await (this.released ??= this.release());
  }

  /** Stops the slices and the loops (no new slice, pass or tick afterwards). Once. */
  private halt(): Promise<void> {
    this.stopping = true;
    return (this.halted ??= (async () => {
      clearInterval(this.ticker);
      clearTimeout(this.wake);
      await this.watch.stop();
      await this.stopAllSlices();
      clearTimeout(this.wake);
    })());
  }

  /** Lease, OpenLineage emitter, metrics server, Barn clients, data root lock: each attempted even when an
   * earlier one fails. */
  private async release(): Promise<void> {
    // a renewal in flight would race the release of the lease
    await this.tickRun?.catch(() => undefined);
    const steps: [string, () => Promise<void> | undefined][] = [
      ['lease', () => this.lease.release()],
      ['openlineage', () => this.openLineage?.close()],
      ['metrics server', () => this.server?.close()],
      ['barn client', () => this.barn.close()],
      ['lease client', () => this.leaseBarn.close()],
      ['data root lock', () => this.lock?.release()],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (e) {
        this.log(`releasing the ${what} failed: ${errorData(e).message}`);
      }
    }
  }

  // ---- placements → desired ----------------------------------------------------------------------------

  private onPlacements(records: ReadonlyMap<string, KvRecord>): void {
    const { placed, malformed } = parsePlacements(records.values(), this.o.node);
    for (const key of malformed) this.log(`ignoring malformed placement ${key}`);
    this.placements = placed;
    this.changedAt ??= performance.now();
    this.kick();
  }

  // ---- the converge pass -------------------------------------------------------------------------------

  private kick(): void {
    if (this.stopping) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = true;
    try {
      do {
        this.again = false;
        const changedAt = this.changedAt;
        this.changedAt = undefined;
        const views = new Map([...this.slots].map(([s, slot]) => [s, slot.view]));
        const { actions, wakeAt } = converge(desiredSlices(this.placements), views, Date.now());
        for (const a of actions) {
          switch (a.type) {
            case 'start':
              this.startSlot(a.scenario, a.desired, a.attempt);
              break;
            case 'stop':
              this.stopSlot(a.scenario);
              break;
            case 'forget':
              this.slots.delete(a.scenario);
              break;
          }
        }
        if (changedAt !== undefined) this.metrics.convergeSeconds.observe((performance.now() - changedAt) / 1000);
        clearTimeout(this.wake);
        if (wakeAt !== undefined) this.wake = setTimeout(() => this.kick(), Math.max(0, wakeAt - Date.now()));
      } while (this.again);
    } finally {
      this.passing = false;
    }
  }

  private startSlot(scenario: string, d: DesiredSlice, attempt: number): void {
    const placed = this.placements.get(scenario)!;
    const previous = this.slots.get(scenario);
    const failures = previous?.view.failures ?? 0;
    const slot: Slot = {
      view: { phase: 'starting', specHash: d.specHash, fence: d.fence, startedAt: Date.now(), failures: previous?.view.specHash === d.specHash ? failures : 0 },
      mode: d.mode,
      placementKey: placed.key,
      attempt,
      stopRequested: false,
      refused: false,
      lineageNext: 0,
      lineageChain: Promise.resolve(),
    };
    this.slots.set(scenario, slot);
    this.starts.set(scenario, (this.starts.get(scenario) ?? 0) + 1);
    if (previous !== undefined) this.metrics.restarts.inc({ reason: previous.view.specHash !== d.specHash ? 'changed' : previous.view.phase === 'exited' && previous.view.stoppedByAgent ? 'stopped' : 'retry' });
    const launching = this.launchSlot(scenario, slot, placed);
    this.launches.add(launching);
    void launching.finally(() => this.launches.delete(launching));
  }

  private async launchSlot(scenario: string, slot: Slot, placed: Placed): Promise<void> {
    try {
      const { pipeline, spec } = await placedSpec(this.barn, placed.value);
      if (slot.mode === 'once' && (await this.completedBefore(placed.value))) {
        this.log(`${scenario} already completed at spec ${placed.value.specHash}: not running it again`);
        return this.exited(scenario, slot, { status: 'COMPLETE', exitCode: null, signal: null });
      }
      const repoRoot = commitRoot(this.o.dataRoot, this.o.repoRoot, placed.value.commit);
      const runId = uuidV7(Date.now(), this.rng);
      const record = newRun({ runId, scenario, agent: this.o.node, placement: placed.value, fence: placed.fence, attempt: slot.attempt, now: Date.now() });
      if (slot.stopRequested) return this.exited(scenario, slot, { status: 'ABORT', exitCode: null, signal: null });
      await this.o.beforeFence?.(scenario, placed.fence);
      const answer = await startRun(this.barn, placed.key, record);
      if (!answer.started) {
        slot.refused = true;
        this.metrics.fenceRefusals.inc();
        this.log(`not starting ${scenario}: placement ${placed.key} is no longer at fence ${placed.fence}`);
        this.watch.relist();
        return this.exited(scenario, slot, { status: 'FAIL', error: { code: AGENT_CODES.FENCE_STALE, message: `placement ${placed.key} changed after revision ${placed.fence}` }, exitCode: null, signal: null });
      }
      slot.record = record;
      slot.runId = runId;
      await this.journal.add({ runId, scenario });
      const handle = await this.launcher.launch({
        runId,
        placementKey: placed.key,
        fence: placed.fence,
        scenario: spec,
        contracts: pipeline.contracts,
        project: pipeline.project,
        commit: pipeline.commit,
        repoUrl: pipeline.repoUrl,
        repoRoot,
        dataRoot: join(this.o.dataRoot, spec.herd),
        ...(pipeline.herds?.[spec.herd] === undefined ? {} : { herd: pipeline.herds[spec.herd] }),
        runningEveryMs: this.o.runningEveryMs ?? 30_000,
      }).catch((e: unknown) => {
        throw agentError(AGENT_CODES.LAUNCH_FAILED, `starting the slice of ${scenario} failed: ${errorData(e).message}`);
      });
      slot.handle = handle;
      this.metrics.starts.inc();
      this.log(`started ${scenario} run ${runId} (pid ${handle.pid}, attempt ${slot.attempt})`);
      if (slot.stopRequested) handle.stop(this.graceMs);
      else if (slot.view.phase === 'starting') slot.view = { ...slot.view, phase: 'running' };
      this.metrics.slicesRunning.set(this.runningCount());
      // A launcher must never reject `exited`; if one does, the run is recorded as failed instead of the
      // rejection ending the agent.
      void handle.exited.then(
        (exit) => this.exited(scenario, slot, exit),
        (e: unknown) => {
          const error = { code: AGENT_CODES.LAUNCHER_FAILED, message: `the launcher lost the slice of ${scenario} (run ${runId}): ${errorData(e).message}` };
          slot.lastError = error;
          this.log(`${scenario}: ${error.message}`);
          this.exited(scenario, slot, { status: 'FAIL', error, exitCode: null, signal: null });
        },
      );
    } catch (e) {
      slot.lastError = errorData(e);
      this.log(`starting ${scenario} failed: ${slot.lastError.code}: ${slot.lastError.message}`);
      return this.exited(scenario, slot, { status: 'FAIL', error: slot.lastError, exitCode: null, signal: null });
    }
  }

  /** A run-once placement is done when Barn holds a COMPLETE run of it at this commit and spec hash (so an agent
   * restart does not run batch scenarios again). */
  private async completedBefore(p: PlacementValue): Promise<boolean> {
    const r = await this.barn.range(domainPrefix.runsOf(p.scenario));
    if (!r.ok) throw agentError(AGENT_CODES.BARN_REFUSED, `listing runs of ${p.scenario}: ${r.code}: ${r.message}`);
    return r.value.records.some((rec) => {
      const run = rec.value as RunRecord;
      return run.status === 'COMPLETE' && run.specHash === p.specHash && run.commit === p.commit;
    });
  }

  private stopSlot(scenario: string): void {
    const slot = this.slots.get(scenario);
    if (slot === undefined || slot.view.phase === 'exited' || slot.view.phase === 'stopping') return;
    slot.stopRequested = true;
    slot.view = { ...slot.view, phase: 'stopping' };
    slot.handle?.stop(this.graceMs);
  }

  private exited(scenario: string, slot: Slot, exit: SliceExit): void {
    if (slot.view.phase === 'exited') return;
    const live = slot.view;
    const counted = !slot.stopRequested && !(slot.mode === 'once' && exit.status === 'COMPLETE');
    if (counted) this.metrics.failures.inc({ code: exit.error?.code ?? (exit.status === 'COMPLETE' ? 'AGENT_STREAM_ENDED' : exit.status) });
    if (exit.error !== undefined) slot.lastError = exit.error;
    slot.view = recordExit(live, { outcome: exit.status, stoppedByAgent: slot.stopRequested, mode: slot.mode }, Date.now(), this.backoff);
    this.metrics.slicesRunning.set(this.runningCount());
    if (slot.record !== undefined) this.runs.report(slot, exit);
    if (this.slots.get(scenario) === slot) this.kick();
  }

  // ---- tick: lease + lineage ---------------------------------------------------------------------------

  private async tick(): Promise<void> {
    if (this.stopping || this.ticking) return;
    this.ticking = true;
    try {
      await (this.tickRun = this.tickOnce());
    } finally {
      this.ticking = false;
    }
  }

  private async tickOnce(): Promise<void> {
    for (const slot of this.slots.values()) if (slot.view.phase === 'running' || slot.view.phase === 'stopping') void this.runs.collectLineage(slot);
    const r = await this.lease.renew();
    this.metrics.leaseRenewals.inc({ result: r });
    if (r === 'unreachable') this.metrics.barnErrors.inc({ op: 'lease' });
    if (r === 'lost' && !this.stopping) {
      this.log(`lost the lease of node ${this.o.node}: stopping every slice`);
      // Only the slices: the resources are released by stop(), which the owner calls once `failed` rejects.
      await this.halt();
      this.fatal?.(agentError(AGENT_CODES.LEASE_LOST, `another agent process took node ${this.o.node}, or Barn was unreachable for the whole lease ttl (${this.ttlMs} ms)`));
    }
  }

  private async stopAllSlices(): Promise<void> {
    for (const slot of this.slots.values()) {
      if (slot.view.phase === 'exited') continue;
      slot.stopRequested = true;
      slot.view = { ...slot.view, phase: 'stopping' };
    }
    // Starts in flight see stopRequested and stop their slice as soon as it exists.
    await Promise.all([...this.launches]);
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.handle === undefined || slot.view.phase === 'exited') continue;
      slot.handle.stop(this.graceMs);
      exits.push(slot.handle.exited.catch(() => undefined));
    }
    await Promise.all(exits);
    await new Promise((r) => setImmediate(r));
    await this.runs.settled();
  }

  // ---- leftovers of a previous agent process -----------------------------------------------------------

  private async sweep(): Promise<void> {
    const added = await closeLeftovers({ barn: this.barn, launcher: this.launcher, journal: this.journal, graceMs: this.graceMs, log: this.log, ...(this.openLineage === undefined ? {} : { openLineage: this.openLineage }) });
    this.metrics.lineageEvents.inc(added);
  }

  // ---- the agent record --------------------------------------------------------------------------------

  private runningCount(): number {
    return [...this.slots.values()].filter((s) => s.view.phase === 'running').length;
  }

  private agentRecord(lease: AgentRecord['lease']): AgentRecord {
    const slices = sliceReports(this.slots, this.starts);
    return {
      apiVersion: RUNINK_API_VERSION,
      kind: 'Agent',
      node: this.o.node,
      labels: this.o.labels,
      capacity: this.o.capacity,
      lease,
      ...(this.server === undefined ? {} : { metricsUrl: this.server.url }),
      slices,
    };
  }
}
