// Lays out the filesystem of one runtime before it starts (edge): the scratch dir `<scratchRoot>/<id>/` with
// `owner.json` (which launcher owns it: pid + process start time, so a sweep can tell leftovers from live
// runs) and `tmp/` (the slice's /tmp, owned by the slice uid), the sink folders (created, owned by the slice
// uid), a reachable data root. Contract: the scratch dir exists before the cgroup is created and is removed
// after it (sweep.ts relies on this order).
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { relativeDataPath } from '../slice/data-path.ts';
import type { InputOverride } from '../slice/types.ts';
import type { ConfinePlan } from './plan.ts';
import { isInside, type SandboxLayout } from './sandbox-argv.ts';

export const INSTALL_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const CHILD_ENTRY = fileURLToPath(new URL('./child-entry.mjs', import.meta.url));
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

export function scratchRoot(): string {
  // one root per user: a non-root launcher cannot share root's
  return process.env['RUNINK_SCRATCH_ROOT'] ?? join(tmpdir(), `runink-slices-${process.getuid?.() ?? 0}`);
}

export interface Owner {
  readonly pid: number;
  readonly start: string;
}

/** Start time of a process (field 22 of /proc/<pid>/stat), undefined when it does not exist. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function ownerAlive(o: Owner): boolean {
  return processStart(o.pid) === o.start;
}

export interface Prepared {
  readonly scratchDir: string;
  readonly layout: SandboxLayout;
}

export interface PrepareRequest {
  readonly spec: ScenarioSpec;
  readonly repoRoot: string;
  readonly dataRoot: string;
  readonly inputs?: Readonly<Record<string, InputOverride>>;
  readonly env: Readonly<Record<string, string>>;
}

export function prepareRuntime(id: string, plan: ConfinePlan, req: PrepareRequest): Prepared {
  const root = scratchRoot();
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const scratchDir = join(root, id);
  // owner.json first, in a dot dir a sweep ignores, then one rename: a sweep never sees an ownerless dir
  const staging = join(root, `.${id}`);
  mkdirSync(staging, { mode: 0o700 });
  writeFileSync(join(staging, 'owner.json'), JSON.stringify({ pid: process.pid, start: processStart(process.pid) ?? '' } satisfies Owner));
  renameSync(staging, scratchDir);
  const tmp = join(scratchDir, 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  const own = (p: string): void => {
    if (plan.uid !== undefined) chownSync(p, plan.uid, plan.gid ?? plan.uid);
  };
  own(tmp);
  if (plan.uid !== undefined) chmodSync(scratchDir, 0o711);
  mkdirSync(req.dataRoot, { recursive: true });
  const dataRoot = realpathSync(req.dataRoot);
  if (plan.uid !== undefined) {
    const mode = lstatSync(dataRoot).mode & 0o7777;
    if ((mode & 0o005) !== 0o005) chmodSync(dataRoot, mode | 0o005);
  }
  const sliceUid = plan.uid ?? process.getuid?.() ?? 0;
  const tsxCache = tsxCacheDir();
  if (tsxCache !== undefined && plan.mode === 'unshare') symlinkSync(tsxCache, join(tmp, `tsx-${sliceUid}`));
  return {
    scratchDir,
    layout: {
      installRoot: INSTALL_ROOT,
      nodeBin: process.execPath,
      tsxUrl: import.meta.resolve('tsx'),
      childEntry: CHILD_ENTRY,
      repoRoot: realpathSync(req.repoRoot),
      dataRoot,
      sinkDirs: sinkDirs(req.spec, dataRoot, own),
      inputs: inputFiles(req.inputs),
      scratchTmp: tmp,
      system: systemDirs(),
      env: req.env,
      sliceUid,
      ...(tsxCache !== undefined && plan.mode === 'bwrap' ? { tsxCache } : {}),
    },
  };
}

/** tsx's transform cache of this process (os.tmpdir()/tsx-<uid>), when it exists. */
function tsxCacheDir(): string | undefined {
  const dir = join(tmpdir(), `tsx-${process.getuid?.() ?? 0}`);
  return existsSync(dir) ? dir : undefined;
}

export function removeScratch(scratchDir: string): void {
  rmSync(scratchDir, { recursive: true, force: true, maxRetries: 3 });
}

/** Folders of the file:// sinks, created and owned by the slice uid. A sink whose folder resolves outside the
 * data root is not made writable (the slice runtime reports the escape itself). */
function sinkDirs(spec: ScenarioSpec, dataRoot: string, own: (p: string) => void): string[] {
  const dirs = new Set<string>();
  for (const s of spec.sinks) {
    if (!s.uri.startsWith('file://')) continue;
    let target: string;
    try {
      target = join(dataRoot, relativeDataPath(s.uri));
    } catch {
      continue;
    }
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true });
    const real = realpathSync(dir);
    if (!isInside(dataRoot, real)) continue;
    own(real);
    if (spec.trigger.kind === 'stream' && existsSync(target)) own(target);
    dirs.add(real);
  }
  return [...dirs].sort();
}

function inputFiles(inputs: Readonly<Record<string, InputOverride>> | undefined): string[] {
  const files = new Set<string>();
  for (const v of Object.values(inputs ?? {})) {
    const p = typeof v === 'string' ? v : v.path;
    if (existsSync(p)) files.add(realpathSync(p));
  }
  return [...files].sort();
}

function systemDirs(): { path: string; link?: string }[] {
  const out: { path: string; link?: string }[] = [];
  for (const path of SYSTEM_DIRS) {
    try {
      const st = lstatSync(path);
      out.push(st.isSymbolicLink() ? { path, link: readlinkSync(path) } : { path });
    } catch {
      // not on this system
    }
  }
  const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
  if (!out.some((s) => s.link === undefined && isInside(s.path, nodePrefix))) out.push({ path: nodePrefix });
  return out;
}
