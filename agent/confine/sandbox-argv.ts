// The command line that starts one confined runtime, from the plan and the layout of its filesystem view.
// Pure. Shape (bwrap mode, root):
//   /bin/sh -c '<join cgroups>' runink-slice <cgroup.procs…> -- bwrap <namespaces> <view> -- setpriv <uid> -- node …
// The sh wrapper writes its own pid into each cgroup.procs and then execs, so bwrap and everything below start
// inside the cgroup (exit 125 = could not join). View order matters (later mounts cover earlier ones):
// system dirs, /proc, /dev, scratch on /tmp, the install root and the repository read-only, a tmpfs over the
// parent of the data root when it would otherwise be visible (hides the other herds' data roots), the data root
// read-only, each sink folder writable, each input file read-only.
import { tmpdir } from 'node:os';
import { dirname, sep } from 'node:path';
import type { ConfinePlan } from './plan.ts';

export interface SandboxLayout {
  /** Runink's own code (agent/slice, node_modules): read-only. */
  readonly installRoot: string;
  readonly nodeBin: string;
  /** `--import` URL of tsx. */
  readonly tsxUrl: string;
  readonly childEntry: string;
  readonly repoRoot: string;
  readonly dataRoot: string;
  readonly sinkDirs: readonly string[];
  readonly inputs: readonly string[];
  /** Host dir mounted on /tmp (bwrap) or used as TMPDIR (other modes). */
  readonly scratchTmp: string;
  /** System folders bound read-only, or recreated as symlinks (`/bin` → `usr/bin` on merged-/usr systems). */
  readonly system: readonly { readonly path: string; readonly link?: string }[];
  readonly env: Readonly<Record<string, string>>;
  /** The launcher's tsx transform cache, bound read-only where the slice's tsx looks for its own
   * (`/tmp/tsx-<uid>`): the runtime's modules are then not re-transformed on every start. */
  readonly tsxCache?: string;
  /** uid the slice runs as (names its tsx cache dir). */
  readonly sliceUid: number;
}

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export const JOIN_EXIT_CODE = 125;
const JOIN_SCRIPT = `for f; do [ "$f" = -- ] && break; echo $$ > "$f" || exit ${JOIN_EXIT_CODE}; shift; done; shift; exec "$@"`;

export function sandboxCommand(plan: ConfinePlan, layout: SandboxLayout, tools: { bwrap?: string; unshare?: string; setpriv?: string }, procsFiles: readonly string[]): Command {
  // bwrap: the scratch dir is /tmp; unshare: the scratch dir itself; none (off): a plain child process keeps
  // the launcher's temp dir (and so the tsx cache)
  const inSandboxTmp = plan.mode === 'bwrap' ? '/tmp' : plan.mode === 'unshare' ? layout.scratchTmp : tmpdir();
  const env = { ...layout.env, HOME: inSandboxTmp, TMPDIR: inSandboxTmp };
  const node = [layout.nodeBin, '--import', layout.tsxUrl, layout.childEntry];
  const user = plan.uid !== undefined && tools.setpriv !== undefined
    ? [tools.setpriv, '--reuid', String(plan.uid), '--regid', String(plan.gid ?? plan.uid), '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--']
    : [];
  let argv: string[];
  switch (plan.mode) {
    case 'bwrap':
      argv = [tools.bwrap!, ...bwrapArgs(plan, layout, env), '--', ...user, ...node];
      break;
    case 'unshare':
      argv = [tools.unshare!, '--pid', '--fork', '--kill-child', '--mount-proc', '--ipc', '--uts', ...(plan.namespaces.includes('net') ? ['--net'] : []), '--', ...user, ...node];
      break;
    case 'none':
      argv = node;
      break;
  }
  if (procsFiles.length === 0) return { command: argv[0]!, args: argv.slice(1), env };
  return { command: '/bin/sh', args: ['-c', JOIN_SCRIPT, 'runink-slice', ...procsFiles, '--', ...argv], env };
}

function bwrapArgs(plan: ConfinePlan, layout: SandboxLayout, env: Readonly<Record<string, string>>): string[] {
  const a: string[] = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (plan.namespaces.includes('net')) a.push('--unshare-net');
  if (plan.uid === undefined) a.push('--unshare-user');
  a.push('--die-with-parent', '--new-session', '--hostname', 'runink-slice', '--clearenv');
  for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
  const view = new ViewBuilder(a);
  for (const s of layout.system) {
    if (s.link !== undefined) a.push('--symlink', s.link, s.path);
    else view.bind('--ro-bind', s.path, s.path);
  }
  a.push('--proc', '/proc', '--dev', '/dev');
  view.fresh('--bind', layout.scratchTmp, '/tmp');
  if (layout.tsxCache !== undefined) view.bind('--ro-bind', layout.tsxCache, `/tmp/tsx-${layout.sliceUid}`);
  view.bind('--ro-bind', layout.installRoot, layout.installRoot);
  view.bind('--ro-bind', layout.repoRoot, layout.repoRoot);
  const mask = maskDirFor(layout.dataRoot, [layout.installRoot, layout.repoRoot]);
  if (mask !== undefined) {
    view.fresh('--tmpfs', undefined, mask);
    for (const root of [layout.installRoot, layout.repoRoot]) if (isInside(mask, root)) view.bind('--ro-bind', root, root);
  }
  view.bind('--ro-bind', layout.dataRoot, layout.dataRoot);
  for (const d of layout.sinkDirs) view.bind('--bind', d, d);
  for (const f of layout.inputs) view.bind('--ro-bind', f, f);
  // tsx finds tsconfig.json from the working directory, and its transform cache keys include it: the install
  // root matches the launcher's (see prewarmRuntimeCache), so the cache hits
  a.push('--chdir', layout.installRoot);
  return a;
}

/** Emits mounts in order and, before each, `--perms 0755 --dir` for every ancestor that would otherwise be
 * created implicitly (bwrap creates those 0700, which the slice uid cannot traverse): ancestors on the
 * sandbox's own root, in the scratch /tmp or in a tmpfs. Ancestors inside a host bind exist already. */
class ViewBuilder {
  private readonly mounts: { dest: string; host: boolean }[] = [];
  private readonly made = new Set<string>();
  constructor(private readonly out: string[]) {}

  bind(flag: '--bind' | '--ro-bind', src: string, dest: string): void {
    this.ancestors(dest);
    this.out.push(flag, src, dest);
    this.mounts.push({ dest, host: true });
  }

  fresh(flag: '--bind' | '--tmpfs', src: string | undefined, dest: string): void {
    this.ancestors(dest);
    if (flag === '--tmpfs') this.out.push('--perms', '0755', '--tmpfs', dest);
    else this.out.push(flag, src!, dest);
    this.mounts.push({ dest, host: false });
  }

  private ancestors(dest: string): void {
    const parts = dest.split('/').filter((p) => p !== '');
    for (let i = 1; i < parts.length; i++) {
      const anc = '/' + parts.slice(0, i).join('/');
      if (this.made.has(anc)) continue;
      const cover = [...this.mounts].reverse().find((m) => isInside(m.dest, anc));
      if (cover !== undefined && (cover.host || cover.dest === anc)) continue;
      this.out.push('--perms', '0755', '--dir', anc);
      this.made.add(anc);
    }
  }
}

/** The folder to hide below a visible root so that only the data root (not its siblings: the other herds'
 * data roots) shows: the data root's parent, when it lies strictly inside a root that is bound anyway. */
export function maskDirFor(dataRoot: string, visibleRoots: readonly string[]): string | undefined {
  const parent = dirname(dataRoot);
  if (parent === dataRoot) return undefined;
  for (const root of visibleRoots) {
    if (parent !== root && isInside(root, parent) && !isInside(parent, root)) return parent;
  }
  return undefined;
}

export function isInside(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}
