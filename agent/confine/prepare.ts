// Lays out the filesystem of one runtime before it starts (edge): the scratch dir `<scratchRoot>/<id>/` with
// `owner.json` (which launcher owns it: pid + process start time, so a sweep can tell leftovers from live
// runs) and `tmp/` (the slice's /tmp, owned by the slice uid), the sink folders (created, owned by the slice
// uid), a reachable data root. Contract: the scratch dir exists before the cgroup is created and is removed
// after it (sweep.ts relies on this order).
// Sink folders belong to the slice uid, so a slice can plant symlinks in them for its next start (the agent
// retries crashed slices), and this runs as root: sink folders are walked one component at a time from the
// data root without following any symlink, and anything a slice could have planted is refused (SinkPathError)
// before anything is created or chowned.
import { chmodSync, chownSync, closeSync, constants, existsSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
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
  // everything that can refuse the launch first (a planted sink: SinkPathError), so it leaves no scratch dir behind
  mkdirSync(req.dataRoot, { recursive: true });
  const dataRoot = realpathSync(req.dataRoot);
  if (plan.uid !== undefined) {
    const mode = lstatSync(dataRoot).mode & 0o7777;
    if ((mode & 0o005) !== 0o005) chmodSync(dataRoot, mode | 0o005);
  }
  const sinks = sinkDirs(req.spec, dataRoot, plan.uid === undefined ? undefined : { uid: plan.uid, gid: plan.gid ?? plan.uid });
  const repoRoot = realpathSync(req.repoRoot);
  const inputs = inputFiles(req.inputs);
  const system = systemDirs();
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
  if (plan.uid !== undefined) chownSync(tmp, plan.uid, plan.gid ?? plan.uid);
  if (plan.uid !== undefined) chmodSync(scratchDir, 0o711);
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
      repoRoot,
      dataRoot,
      sinkDirs: sinks,
      inputs,
      scratchTmp: tmp,
      system,
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

/** Stable code of the refusal of a sink path a slice could have tampered with (launchSlice: FAIL, nothing ran). */
export const SINK_PATH_UNSAFE = 'CONFINE_SINK_PATH_UNSAFE';

/** A component of a sink's folder is a symlink or not a directory, or the sink file is a symlink (or, for a
 * @stream sink that gets chowned, not a regular file with a single link). Nothing was created or chowned. */
export class SinkPathError extends Error {
  readonly code = SINK_PATH_UNSAFE;
  constructor(
    readonly uri: string,
    /** the offending path, relative to the data root */
    readonly path: string,
    why: string,
  ) {
    super(`${SINK_PATH_UNSAFE}: sink ${uri}: \`${path}\` in the data root ${why}; refusing to prepare the sink (nothing was created or chowned)`);
    this.name = 'SinkPathError';
  }
}

interface SliceOwner {
  readonly uid: number;
  readonly gid: number;
}

/** An open directory and its path (for messages and the bind). */
interface Dir {
  readonly fd: number;
  readonly path: string;
}

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const OPEN_FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The path of `name` in the open directory `at`: through /proc/self/fd (like openat: no component before `name`
 * is looked up again, so a symlink swapped in meanwhile is not followed); plain path where /proc is missing. */
function entry(at: Dir, name: string): string {
  return existsSync(`/proc/self/fd/${at.fd}`) ? `/proc/self/fd/${at.fd}/${name}` : join(at.path, name);
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A sink's folder and file, opened (never through a symlink) to be chowned; undefined folder: not created yet. */
interface OpenedSink {
  readonly dir?: Dir;
  readonly file?: number;
}

/** Walks the folder `parts` (below the data root, a real path) of sink `uri` one component at a time: each must
 * be a directory, not a symlink; a missing one is created when `create`, else the walk stops there. Then checks
 * the sink file `name` in it. Throws SinkPathError; the caller closes what it gets back. */
function openSink(dataRoot: string, parts: readonly string[], name: string, uri: string, stream: boolean, create: boolean): OpenedSink {
  const opened: number[] = [];
  const keep = new Set<number>();
  const rel = (path: string): string => relative(dataRoot, path) || '.';
  const refuse = (path: string, why: string): never => {
    throw new SinkPathError(uri, rel(path), why);
  };
  const planted = 'is a symlink (a slice may have planted it)';
  try {
    let at: Dir = { fd: openSync(dataRoot, OPEN_DIR), path: dataRoot };
    opened.push(at.fd);
    for (const part of parts) {
      const path = join(at.path, part);
      const p = entry(at, part);
      let st = lstatOrUndefined(p);
      if (st === undefined) {
        if (!create) return {};
        try {
          mkdirSync(p);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        st = lstatSync(p);
      }
      if (st.isSymbolicLink()) refuse(path, planted);
      if (!st.isDirectory()) refuse(path, 'is not a directory');
      const fd = openChecked(p, OPEN_DIR, () => refuse(path, 'changed while it was checked'));
      opened.push(fd);
      at = { fd, path };
    }
    keep.add(at.fd);
    const target = join(at.path, name);
    const st = lstatOrUndefined(entry(at, name));
    if (st?.isSymbolicLink()) refuse(target, planted);
    // only a @stream sink's existing file is chowned (it appends in place; a batch run renames a new file over it)
    if (!stream || st === undefined) return { dir: at };
    if (!st.isFile()) refuse(target, 'is not a regular file');
    const file = openChecked(entry(at, name), OPEN_FILE, () => refuse(target, 'changed while it was checked'));
    opened.push(file);
    const fst = fstatSync(file);
    if (!fst.isFile()) refuse(target, 'is not a regular file');
    if (fst.nlink !== 1) refuse(target, `has ${fst.nlink} hard links`);
    keep.add(file);
    return { dir: at, file };
  } catch (e) {
    keep.clear();
    throw e;
  } finally {
    for (const fd of opened) if (!keep.has(fd)) closeSync(fd);
  }
}

/** Opens `p` without following a symlink as its last component; `changed()` when it is no longer what was lstat-ed. */
function openChecked(p: string, flags: number, changed: () => never): number {
  try {
    return openSync(p, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENOENT') changed();
    throw e;
  }
}

/** Folders of the file:// sinks, created and owned by the slice uid (`owner`; none: left as they are). A sink
 * whose path is lexically outside the data root is skipped (the slice runtime reports the escape itself); one
 * whose folder has a symlink or a non-directory on the way, or whose file is a symlink, is refused
 * (SinkPathError) before anything is created or chowned. Ownership is changed through file descriptors opened
 * without following symlinks, only on directories and regular files. */
function sinkDirs(spec: ScenarioSpec, dataRoot: string, owner: SliceOwner | undefined): string[] {
  const wanted: { uri: string; parts: string[]; name: string }[] = [];
  for (const s of spec.sinks) {
    if (!s.uri.startsWith('file://')) continue;
    let target: string;
    try {
      target = join(dataRoot, relativeDataPath(s.uri));
    } catch {
      continue;
    }
    const dir = dirname(target);
    if (target === dataRoot || !isInside(dataRoot, dir)) continue;
    const rel = relative(dataRoot, dir);
    wanted.push({ uri: s.uri, parts: rel === '' ? [] : rel.split('/'), name: basename(target) });
  }
  if (wanted.length === 0) return [];
  const stream = spec.trigger.kind === 'stream';
  const opened: OpenedSink[] = [];
  try {
    // check every sink before creating anything, then create, then chown only once all of them are sound
    for (const w of wanted) closeOpened(openSink(dataRoot, w.parts, w.name, w.uri, stream, false));
    for (const w of wanted) opened.push(openSink(dataRoot, w.parts, w.name, w.uri, stream, true));
    if (owner !== undefined) {
      for (const o of opened) {
        if (o.dir !== undefined) fchownSync(o.dir.fd, owner.uid, owner.gid);
        if (o.file !== undefined) fchownSync(o.file, owner.uid, owner.gid);
      }
    }
    return [...new Set(opened.flatMap((o) => (o.dir !== undefined ? [o.dir.path] : [])))].sort();
  } finally {
    for (const o of opened) closeOpened(o);
  }
}

function closeOpened(o: OpenedSink): void {
  if (o.dir !== undefined) closeSync(o.dir.fd);
  if (o.file !== undefined) closeSync(o.file);
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
