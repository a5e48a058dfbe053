// The confinement plan of one slice: from what the host offers (host.ts), the isolation level and the herd,
// decide the sandbox mode, namespaces, uid and cgroup limits, and list what is missing. Pure.
//   required    → everything (cgroup, 5 namespaces — net only when the herd has no network —, unprivileged
//                 uid, read-only view) or nothing runs (ISOLATION_UNAVAILABLE);
//   best-effort → whatever is possible, `missing` names the rest (the caller warns loudly);
//   off         → a plain child process.
import type { HerdSpec, Isolation, ScenarioSpec } from '../../contracts/desired-state.ts';
import type { HostCaps } from './host.ts';
import type { CgroupLimits, Namespace, SandboxMode } from './types.ts';

/** The slice uid/gid when we are root: nobody/nogroup. */
export const SLICE_UID = 65534;
export const SLICE_GID = 65534;
export const DEFAULT_PIDS = 64;

export interface ConfinePlan {
  readonly isolation: Isolation;
  readonly mode: SandboxMode;
  readonly namespaces: readonly Namespace[];
  /** Switch to this uid/gid inside the sandbox (root only). */
  readonly uid?: number;
  readonly gid?: number;
  readonly cgroup: boolean;
  readonly network: boolean;
  readonly missing: readonly string[];
}

export type PlanResult = { readonly ok: true; readonly plan: ConfinePlan } | { readonly ok: false; readonly missing: readonly string[] };

export function defaultIsolation(host: HostCaps): Isolation {
  return host.linux && host.root ? 'required' : 'best-effort';
}

export function planConfinement(host: HostCaps, isolation: Isolation, network: boolean): PlanResult {
  if (isolation === 'off') return { ok: true, plan: { isolation, mode: 'none', namespaces: [], cgroup: false, network: true, missing: [] } };
  const missing: string[] = [];
  if (!host.linux) missing.push('linux');
  const mode: SandboxMode = host.bwrap !== undefined ? 'bwrap' : host.unshare !== undefined ? 'unshare' : 'none';
  if (mode === 'none') missing.push('namespaces (neither bwrap nor unshare works here)');
  if (mode !== 'bwrap') missing.push('read-only view (needs bwrap)');
  const canSwitchUid = host.root && host.setpriv !== undefined && mode !== 'none';
  if (!host.root) missing.push('uid (not root: the slice keeps our uid)');
  else if (!canSwitchUid) missing.push('uid (setpriv missing)');
  if (host.cgroup === undefined) missing.push(host.root ? 'cgroup (no writable cgroup v1 memory/cpu/pids or delegated v2)' : 'cgroup (not root)');
  if (isolation === 'required' && missing.length > 0) return { ok: false, missing };
  const namespaces: Namespace[] = mode === 'none' ? [] : ['pid', 'mount', 'ipc', 'uts', ...(network ? [] : (['net'] as const))];
  return {
    ok: true,
    plan: {
      isolation,
      mode,
      namespaces,
      ...(canSwitchUid ? { uid: SLICE_UID, gid: SLICE_GID } : {}),
      cgroup: host.cgroup !== undefined,
      network: network || mode === 'none',
      missing,
    },
  };
}

/** Limits from `@requires` within the herd quota; pids from the herd quota (or DEFAULT_PIDS). */
export function limitsFor(spec: ScenarioSpec, herd: HerdSpec): CgroupLimits {
  const within = (want: number, quota: number): number => (quota > 0 ? Math.min(want, quota) : want);
  return {
    memoryMax: within(spec.requires.memory, herd.quotas.memory),
    cpuMillis: within(spec.requires.cpu, herd.quotas.cpu),
    pidsMax: herd.quotas.pids > 0 ? herd.quotas.pids : DEFAULT_PIDS,
  };
}

/** Limits of a warm runtime before it knows its scenario: the herd quota. */
export function herdLimits(herd: HerdSpec): CgroupLimits {
  return { memoryMax: herd.quotas.memory, cpuMillis: herd.quotas.cpu, pidsMax: herd.quotas.pids > 0 ? herd.quotas.pids : DEFAULT_PIDS };
}
