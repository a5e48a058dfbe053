// launchSlice: runs ONE slice confined (see README.md). The main loop:
//   check the request (plain JSON, safe run id) → plan the confinement (plan.ts; `required` and impossible →
//   ISOLATION_UNAVAILABLE, nothing runs) → start a runtime (runtime.ts; or take a warm one and give it the
//   run's id and limits) → lineage START → send {init} → progress / RUNNING heartbeats (@stream) → the process
//   exits → cleanup (cgroup counters read, cgroup and scratch removed) → classify (classify.ts) → lineage
//   COMPLETE / FAIL / ABORT → outcome. The outcome promise never rejects: limits the cgroup refuses (cgroup v1
//   will not lower memory.limit_in_bytes below what the runtime already uses) end the run FAIL LIMITS_FAILED.
import { basename } from 'node:path';
import { systemClock } from '../../common/clock.ts';
import type { Isolation } from '../../contracts/desired-state.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { runLineage, type RunLineage } from '../lineage/run-lineage.ts';
import { messageOf } from '../slice/errors.ts';
import type { RunResult, RunStats } from '../slice/types.ts';
import { classify, type Verdict } from './classify.ts';
import { sliceEnv } from './env.ts';
import { probeHost, type HostCaps } from './host.ts';
import { eventInput } from './lineage-input.ts';
import { firstNonJson } from './plain-json.ts';
import { defaultIsolation, herdLimits, limitsFor, planConfinement, type ConfinePlan } from './plan.ts';
import { SinkPathError } from './prepare.ts';
import { startRuntime, type Runtime } from './runtime.ts';
import type { CgroupCounters, CgroupLimits, ConfinementReport, SliceHandle, SliceLaunch, SliceOutcome } from './types.ts';

export { sweepSlices } from './sweep.ts';

/** Loads the slice runtime's modules in this process once, so their tsx transforms are in the cache that
 * every confined runtime reads (sandbox-argv.ts binds it read-only): call before the first launch to keep
 * cold starts at node + module load. Harmless to call again. */
export function prewarmRuntimeCache(): Promise<void> {
  warming ??= import('./child-main.ts').then(
    () => undefined,
    () => undefined,
  );
  return warming;
}
let warming: Promise<void> | undefined;

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function launchSlice(req: SliceLaunch): SliceHandle {
  return launchOn(req, undefined);
}

/** What launching `req` needs before anything starts: the plan, or why nothing can run. */
export type Admission =
  | { readonly ok: true; readonly plan: ConfinePlan; readonly host: HostCaps; readonly env: Record<string, string> }
  | { readonly ok: false; readonly verdict: Verdict; readonly report: ConfinementReport };

export function admit(req: SliceLaunch, host: HostCaps = probeHost()): Admission {
  const isolation: Isolation = req.isolation ?? req.herd.isolation ?? defaultIsolation(host);
  const bare: ConfinementReport = { mode: 'none', isolation, namespaces: [], network: req.herd.network, missing: [], warm: false };
  const bad = (message: string): Admission => ({ ok: false, verdict: { status: 'FAIL', reason: 'BAD_REQUEST', message }, report: bare });
  if (!SAFE_ID.test(req.runId)) return bad(`run id \`${req.runId}\` is not a safe name ([A-Za-z0-9._-], up to 128)`);
  for (const [what, v] of [['spec', req.spec], ['contracts', req.contracts], ['inputs', req.inputs ?? {}], ['env', req.env ?? {}]] as const) {
    const at = firstNonJson(v);
    if (at !== undefined) return bad(`${what} is not plain JSON at ${at.replace(/^\$/, what)}`);
  }
  for (const [what, p] of [['repoRoot', req.repoRoot], ['dataRoot', req.dataRoot]] as const) if (!p.startsWith('/')) return bad(`${what} must be an absolute path: ${p}`);
  const planned = planConfinement(host, isolation, req.herd.network);
  if (!planned.ok) {
    return {
      ok: false,
      verdict: { status: 'FAIL', reason: 'ISOLATION_UNAVAILABLE', message: `isolation \`required\` cannot be met here, nothing ran: missing ${planned.missing.join('; ')}` },
      report: { ...bare, missing: planned.missing },
    };
  }
  return { ok: true, plan: planned.plan, host, env: sliceEnv(process.env, req.env ?? {}) };
}

/** Launches on `warm` (a ready runtime of the pool with the same sandbox) or, without one, cold. */
export function launchOn(req: SliceLaunch, warm: Runtime | undefined): SliceHandle {
  const events: RunEvent[] = [];
  const lineage = runLineage(
    { scenario: req.spec, contracts: req.contracts, project: req.project ?? 'runink', runId: req.runId, code: { repoUrl: req.repoRoot, commit: req.commit }, ...(req.parent ? { parent: req.parent } : {}) },
    systemClock,
    collector(events, req),
  );
  const admission = warm !== undefined ? ({ ok: true, plan: warm.plan, host: probeHost(), env: {} } as const) : admit(req);
  if (!admission.ok) {
    const result = finishWithout(lineage, req, events, admission.verdict, admission.report);
    return { runId: req.runId, pid: undefined, result, stop: async () => undefined };
  }
  const { plan } = admission;
  if (plan.missing.length > 0) warn(req, `isolation best-effort for ${req.spec.id} (run ${req.runId}): running WITHOUT ${plan.missing.join('; ')}`);
  let runtime: Runtime;
  try {
    if (warm !== undefined && req.stdin !== undefined) {
      throw new Error('a launch with stdin cannot run on a warm runtime (its fd 0 is fixed): launch it cold');
    } else if (warm !== undefined) {
      runtime = warm;
    } else {
      runtime = startRuntime({ id: req.runId, plan, host: admission.host, limits: herdLimits(req.herd), stdio: req.stdio ?? 'inherit', ...(req.stdin !== undefined ? { stdin: req.stdin } : {}), request: { spec: req.spec, repoRoot: req.repoRoot, dataRoot: req.dataRoot, ...(req.inputs ? { inputs: req.inputs } : {}), env: admission.env } });
    }
  } catch (e) {
    warm?.kill();
    void warm?.cleanup().catch(() => undefined);
    const report = reportOf(plan, undefined, undefined, warm !== undefined);
    // An unsafe sink path is the request's fault (e.g. a symlink a slice planted), not the machine's.
    const result = e instanceof SinkPathError
      ? finishWithout(lineage, req, events, { status: 'FAIL', reason: 'BAD_REQUEST', message: e.message }, report)
      : finishWithout(lineage, req, events, { status: 'FAIL', reason: 'SPAWN_FAILED', message: `cannot set up the sandbox: ${messageOf(e)}` }, report);
    return { runId: req.runId, pid: undefined, result, stop: async () => undefined };
  }
  let stopped: string | undefined;
  const result = drive(req, runtime, lineage, events, () => stopped, warm !== undefined);
  return {
    runId: req.runId,
    pid: runtime.child.pid,
    result,
    async stop(graceMs = 5000) {
      stopped ??= 'stop requested';
      await runtime.send({ stop: stopped }).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => (timer = setTimeout(() => resolve('grace'), graceMs)));
      if ((await Promise.race([runtime.exited, graceOver])) === 'grace') runtime.kill();
      clearTimeout(timer);
      await result;
    },
  };
}

async function drive(req: SliceLaunch, rt: Runtime, lineage: RunLineage, events: RunEvent[], stopped: () => string | undefined, warm: boolean): Promise<SliceOutcome> {
  const cleanup = (): Promise<CgroupCounters | undefined> => rt.cleanup().catch((e: unknown) => {
    warn(req, `cleanup of run ${req.runId}: ${messageOf(e)}`);
    return undefined;
  });
  let last: RunStats | undefined;
  let result: RunResult | undefined;
  let stopBeat: (() => void) | undefined;
  let counters: CgroupCounters | undefined;
  let limitsFailed: string | undefined;
  const limits = limitsFor(req.spec, req.herd);
  try {
    rt.onMessage = (m) => {
      if ('progress' in m) {
        last = m.progress;
        req.onProgress?.(m.progress);
      } else if ('result' in m) {
        result = m.result;
        last = m.result.stats;
      }
    };
    // The runtime starts under the herd's quota (a node start throttled to e.g. 250m would take seconds) and
    // gets the scenario's @requires limits once loaded, before it sees the spec.
    if (await rt.ready) {
      try {
        rt.setLimits(limits);
      } catch (e) {
        limitsFailed = limitsMessage(req, limits, e);
      }
    }
    if (limitsFailed !== undefined) {
      // never run a slice without the limits it asked for: kill the runtime before it sees the spec
      rt.kill();
      await lineage.start();
      await rt.exited;
    } else {
      await run();
    }
  } finally {
    stopBeat?.();
    counters = await cleanup();
  }
  if (limitsFailed !== undefined) return failLimits(lineage, req, rt, events, limitsFailed, limits, counters, warm);
  const exit = await rt.exited;
  const verdict = classify({
    ...(result !== undefined ? { result } : {}),
    exit,
    ...(counters !== undefined ? { counters } : {}),
    ...(stopped() !== undefined ? { stopped: stopped()! } : {}),
    ...(rt.protocolError !== undefined ? { protocolError: rt.protocolError } : {}),
    mode: rt.plan.mode,
    ...(rt.cgroup !== undefined ? { memoryMax: limits.memoryMax } : {}),
  });
  const report = reportOf(rt.plan, rt.cgroup === undefined ? undefined : { version: rt.cgroup.version, name: `runink/${rt.cgroup.name}`, ...limits }, counters, warm);
  await finalEvent(lineage, req, verdict, last, result);
  return outcome(verdict, result, last, events, report);

  async function run(): Promise<void> {
    const contracts = Object.fromEntries(Object.entries(req.contracts).map(([k, c]) => [k, { document: c.document }]));
    const sent = rt.send({
      init: {
        spec: req.spec,
        repoRoot: rt.layout.repoRoot,
        dataRoot: rt.layout.dataRoot,
        contracts,
        ...(req.inputs ? { inputs: req.inputs } : {}),
        ...(req.tokenKey !== undefined ? { tokenKey: req.tokenKey } : {}),
        progressIntervalMs: req.progressIntervalMs ?? 1000,
      },
    });
    // START is built while the slice already works (it is still the first event: the others come after exit)
    await lineage.start();
    if (req.spec.trigger.kind === 'stream') {
      stopBeat = lineage.startHeartbeat(req.runningIntervalMs ?? 30_000, () => eventInput(req.spec, last), (e) => warn(req, `lineage RUNNING event failed: ${messageOf(e)}`));
    }
    await sent.catch(() => undefined);
    await rt.exited;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([rt.drained, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }
}

/** The cgroup refused the scenario's limits: nothing ran (the runtime was killed before {init}). */
async function failLimits(lineage: RunLineage, req: SliceLaunch, rt: Runtime, events: RunEvent[], message: string, limits: CgroupLimits, counters: CgroupCounters | undefined, warm: boolean): Promise<SliceOutcome> {
  const verdict: Verdict = { status: 'FAIL', reason: 'LIMITS_FAILED', message };
  const report = reportOf(rt.plan, rt.cgroup === undefined ? undefined : { version: rt.cgroup.version, name: `runink/${rt.cgroup.name}`, ...limits }, counters, warm);
  await finalEvent(lineage, req, verdict, undefined, undefined);
  return outcome(verdict, undefined, undefined, events, report);
}

/** Names the limits and, where the error tells, the control file that refused its value. */
function limitsMessage(req: SliceLaunch, limits: CgroupLimits, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const memory = limits.memoryMax > 0 ? `${Math.round(limits.memoryMax / 1048576)} MiB` : 'unlimited';
  const wanted = `memory ${memory}, cpu ${limits.cpuMillis > 0 ? `${limits.cpuMillis}m` : 'unlimited'}, pids ${limits.pidsMax}`;
  const which = typeof err.path === 'string'
    ? ` (${basename(err.path)} refused it)`
    : err.code === 'EBUSY' ? ` (the memory limit ${memory} is below what the runtime already uses)` : '';
  return `cannot apply the cgroup limits of ${req.spec.id} (${wanted})${which}, nothing ran: ${messageOf(e)}`;
}

async function finishWithout(lineage: RunLineage, req: SliceLaunch, events: RunEvent[], verdict: Verdict, report: ConfinementReport): Promise<SliceOutcome> {
  try {
    await lineage.start();
    await finalEvent(lineage, req, verdict, undefined, undefined);
  } catch (e) {
    warn(req, `lineage of run ${req.runId}: ${messageOf(e)}`);
  }
  return outcome(verdict, undefined, undefined, events, report);
}

async function finalEvent(lineage: RunLineage, req: SliceLaunch, v: Verdict, stats: RunStats | undefined, result: RunResult | undefined): Promise<void> {
  const input = eventInput(req.spec, stats, result?.quality);
  try {
    switch (v.status) {
      case 'COMPLETE':
        await lineage.complete(input);
        return;
      case 'FAIL':
        await lineage.fail({ message: v.reason === 'SLICE_FAILED' ? (v.message ?? 'the run failed') : `${v.reason}: ${v.message ?? 'the run failed'}` }, input);
        return;
      case 'ABORT':
        await lineage.abort({ message: v.message ?? 'the run was stopped' }, input);
        return;
    }
  } catch (e) {
    warn(req, `lineage of run ${req.runId}: ${messageOf(e)}`);
  }
}

function outcome(v: Verdict, result: RunResult | undefined, stats: RunStats | undefined, events: RunEvent[], confinement: ConfinementReport): SliceOutcome {
  return {
    status: v.status,
    ...(v.reason !== undefined ? { reason: v.reason } : {}),
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(result?.error !== undefined ? { error: result.error } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(stats !== undefined ? { stats } : {}),
    events,
    confinement,
  };
}

function reportOf(plan: ConfinePlan, cgroup: ConfinementReport['cgroup'], counters: CgroupCounters | undefined, warm: boolean): ConfinementReport {
  return {
    mode: plan.mode,
    isolation: plan.isolation,
    namespaces: plan.namespaces,
    ...(plan.uid !== undefined ? { uid: plan.uid, gid: plan.gid ?? plan.uid } : {}),
    network: plan.network,
    ...(cgroup !== undefined ? { cgroup } : {}),
    ...(counters !== undefined ? { counters } : {}),
    missing: plan.missing,
    warm,
  };
}

function collector(events: RunEvent[], req: SliceLaunch): LineageSink {
  return {
    async emit(ev) {
      events.push(ev);
      try {
        await req.onEvent?.(ev);
      } catch (e) {
        warn(req, `onEvent: ${messageOf(e)}`);
      }
    },
    close: async () => undefined,
  };
}

function warn(req: SliceLaunch, message: string): void {
  if (req.onWarning !== undefined) req.onWarning(message);
  else process.stderr.write(`runink: WARNING: ${message}\n`);
}
