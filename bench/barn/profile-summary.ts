// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, inclusive time per function (a
// recursive function counted once per stack) and self time per area (a package under node_modules, a folder
// of barn/, node's internals, GC, idle). Percentages are of the busy time (everything but "(idle)").
//
//   node --import tsx bench/barn/profile-summary.ts FILE.cpuprofile [--top 20]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Row {
  readonly name: string;
  readonly ms: number;
  readonly pct: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** The sampled window (monotonic µs), when the summary was restricted to one. */
  readonly window?: { readonly fromUs: number; readonly toUs: number };
  readonly wallMs: number;
  readonly busyMs: number;
  readonly topSelf: readonly Row[];
  readonly topInclusive: readonly Row[];
  readonly byArea: readonly Row[];
}

function where(url: string): string {
  const clean = url.replace(/^file:\/\//, '').replace(/\?.*$/, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) return clean.slice(nm + '/node_modules/'.length);
  const m = /\/(barn|common|cli|bench|bin)\/(.*)$/.exec(clean);
  return m ? `${m[1]}/${m[2]}` : clean;
}

function label(cf: CallFrame): string {
  const fn = cf.functionName || '(anonymous)';
  if (cf.url === '') return fn;
  // tsx-transpiled .ts files report line 0 for every function: the line would say nothing.
  return cf.lineNumber > 0 ? `${fn} ${where(cf.url)}:${cf.lineNumber + 1}` : `${fn} ${where(cf.url)}`;
}

function area(cf: CallFrame): string {
  if (cf.url === '') return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  if (cf.url.startsWith('node:')) return 'node internals';
  const w = where(cf.url);
  if (cf.url.includes('/node_modules/')) {
    const parts = w.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const parts = w.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function top(map: Map<string, number>, busy: number, n: number): Row[] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / busy }));
}

/** `window` (monotonic µs, the clock of the profile's startTime) keeps only the samples taken inside it, e.g.
 * the measured load window without the process's start-up. */
export function summarise(file: string, n = 20, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (window !== undefined && (t < window.fromUs || t > window.toUs)) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  let wall = 0;
  let idle = 0;
  const selfByLabel = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    wall += us;
    if (cf.functionName === '(idle)') idle += us;
    else {
      selfByLabel.set(label(cf), (selfByLabel.get(label(cf)) ?? 0) + us);
      selfByArea.set(area(cf), (selfByArea.get(area(cf)) ?? 0) + us);
    }
  }
  // Inclusive time: walk the tree once, adding each node's subtree time to every distinct label on its stack.
  const inclusive = new Map<string, number>();
  const subtree = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const l = label(node.callFrame);
    const fresh = !onStack.has(l);
    if (fresh) onStack.add(l);
    let total = self.get(id) ?? 0;
    for (const c of node.children ?? []) total += subtree(c, onStack);
    if (fresh) {
      onStack.delete(l);
      if (node.callFrame.functionName !== '(idle)' && node.callFrame.functionName !== '(root)') inclusive.set(l, (inclusive.get(l) ?? 0) + total);
    }
    return total;
  };
  subtree(p.nodes[0]!.id, new Set());
  const busy = Math.max(1, wall - idle);
  return { file, ...(window ? { window } : {}), wallMs: wall / 1000, busyMs: busy / 1000, topSelf: top(selfByLabel, busy, n), topInclusive: top(inclusive, busy, n), byArea: top(selfByArea, busy, n) };
}

export function formatSummary(s: ProfileSummary): string {
  const rows = (title: string, rs: readonly Row[]): string => `${title}\n${rs.map((r) => `  ${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`).join('\n')}`;
  return [
    `profile ${s.file}${s.window ? ' (load window only)' : ''}: wall ${s.wallMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms (${((100 * s.busyMs) / s.wallMs).toFixed(0)}% of wall)`,
    rows('self time by area (% of busy):', s.byArea),
    rows('top self time (% of busy):', s.topSelf),
    rows('top inclusive time (% of busy):', s.topInclusive),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node --import tsx bench/barn/profile-summary.ts FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const k = process.argv.indexOf('--top');
  console.log(formatSummary(summarise(file, k > 0 ? Number(process.argv[k + 1]) : 20)));
}
