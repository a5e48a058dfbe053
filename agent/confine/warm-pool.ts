// The warm pool: confined runtimes started ahead of time (node + tsx + the slice runtime loaded, waiting for
// {init} on their pipe), so dispatch → first record costs a pipe write instead of a process start.
// A runtime's sandbox is fixed when it starts (binds: repository, data root, sink folders, inputs; uid,
// network, environment), so runtimes are kept per *sandbox key* — in the agent, one key per placement.
// The cgroup exists from the start with the herd's quota as limits; at dispatch it gets the scenario's
// `@requires` limits. Runtimes are single use: after its run a runtime exits and `launch` starts a fresh one
// for the same key in the background (after the dispatch's {init} went out) (a run never sees another run's process state).
import type { SliceLaunch, SliceHandle } from './types.ts';
import { admit, launchOn, launchSlice } from './launch.ts';
import { herdLimits, type ConfinePlan } from './plan.ts';
import { startRuntime, type Runtime } from './runtime.ts';

export interface WarmPool {
  /** Starts runtimes for `req`'s sandbox until `size` are idle or starting. No-op when `req` cannot run. */
  prepare(req: SliceLaunch): void;
  /** Resolves when `req`'s key has a ready runtime (false if none could start). */
  whenReady(req: SliceLaunch): Promise<boolean>;
  /** Runs `req` on a ready runtime of its key, else cold (launchSlice); then refills the key. */
  launch(req: SliceLaunch): SliceHandle;
  /** Idle runtimes (ready or starting) over all keys. */
  readonly idle: number;
  /** Kills idle runtimes and removes their cgroups and scratch dirs. Runs already launched go on. */
  close(): Promise<void>;
}

interface Slot {
  readonly rt: Runtime;
  ready: boolean;
}

export function createWarmPool(opts: { size?: number } = {}): WarmPool {
  const size = Math.max(1, opts.size ?? 1);
  const slots = new Map<string, Slot[]>();
  let closed = false;

  const keyOf = (req: SliceLaunch, plan: ConfinePlan, env: Record<string, string>): string =>
    JSON.stringify({
      plan,
      env,
      repoRoot: req.repoRoot,
      dataRoot: req.dataRoot,
      sinks: req.spec.sinks.map((s) => s.uri),
      stream: req.spec.trigger.kind === 'stream',
      inputs: req.inputs ?? {},
      stdio: req.stdio ?? 'inherit',
      herd: req.herd.name,
      quotas: req.herd.quotas,
    });

  const drop = (key: string, slot: Slot): void => {
    const list = slots.get(key) ?? [];
    const i = list.indexOf(slot);
    if (i >= 0) list.splice(i, 1);
  };

  const prepare = (req: SliceLaunch): string | undefined => {
    // a runtime's fd 0 is fixed when it starts: launches that bring their own stdin always go cold
    if (closed || req.stdin !== undefined) return undefined;
    const a = admit(req);
    if (!a.ok) return undefined;
    const key = keyOf(req, a.plan, a.env);
    const list = slots.get(key) ?? [];
    slots.set(key, list);
    while (list.length < size) {
      let rt: Runtime;
      try {
        rt = startRuntime({ plan: a.plan, host: a.host, limits: herdLimits(req.herd), stdio: req.stdio ?? 'inherit', request: { spec: req.spec, repoRoot: req.repoRoot, dataRoot: req.dataRoot, ...(req.inputs ? { inputs: req.inputs } : {}), env: a.env } });
      } catch {
        break;
      }
      const slot: Slot = { rt, ready: false };
      list.push(slot);
      void rt.ready.then((ok) => {
        slot.ready = ok;
      });
      // an idle runtime that dies is dropped and cleaned up
      void rt.exited.then(async () => {
        if (list.includes(slot)) {
          drop(key, slot);
          await rt.cleanup().catch(() => undefined);
        }
      });
    }
    return key;
  };

  return {
    prepare(req) {
      prepare(req);
    },
    async whenReady(req) {
      const key = prepare(req);
      if (key === undefined) return false;
      const results = await Promise.all((slots.get(key) ?? []).map((s) => s.rt.ready));
      return results.some((ok) => ok);
    },
    launch(req) {
      const a = admit(req);
      if (!a.ok || req.stdin !== undefined) return launchSlice(req);
      const key = keyOf(req, a.plan, a.env);
      const slot = (slots.get(key) ?? []).find((s) => s.ready);
      if (slot === undefined) return launchSlice(req);
      drop(key, slot);
      const handle = launchOn(req, slot.rt);
      // refill after the dispatch went out: spawning is synchronous and would delay this run's {init}
      setImmediate(() => prepare(req));
      return handle;
    },
    get idle() {
      let n = 0;
      for (const list of slots.values()) n += list.length;
      return n;
    },
    async close() {
      closed = true;
      const all = [...slots.values()].flat();
      slots.clear();
      for (const s of all) s.rt.kill();
      await Promise.all(all.map((s) => s.rt.cleanup().catch(() => undefined)));
    },
  };
}
