// Markdown for the results: the matrix table (both systems and the Barn/etcd ratios per cell), the soak
// series, the profile summary, and the verdicts against the targets (throughput ratio ≥ 1.0 and p99 no worse
// at every cell; soak peak RSS < 300 MB and a data dir that stops growing).
import { formatSummary } from './profile-summary.ts';
import type { ProfileRun } from './profile.ts';
import { mb } from './proc-stats.ts';
import { thin, type SoakResult } from './soak.ts';
import type { Cell } from './throughput.ts';
import { secondBarnKeepsUp, type WarmUpRun } from './warm-up.ts';

export const RSS_TARGET_BYTES = 300 * 1024 * 1024;

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—');

export function matrixTable(cells: readonly Cell[]): string {
  const head = '| nodes | in flight | etcd puts/s | etcd p50 ms | etcd p99 ms | Barn puts/s | Barn p50 ms | Barn p99 ms | puts/s Barn/etcd | p99 Barn/etcd | load avg (1 min, max) |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = cells.map((c) =>
    `| ${c.size} | ${c.concurrency} | ${n0(c.etcd.putsPerSec)} | ${ms(c.etcd.p50Ms)} | ${ms(c.etcd.p99Ms)} | ${n0(c.barn.putsPerSec)} | ${ms(c.barn.p50Ms)} | ${ms(c.barn.p99Ms)} | ${c.throughputRatio.toFixed(2)} | ${c.p99Ratio.toFixed(2)} | ${Math.max(...c.loadavg).toFixed(1)} |`);
  const errs = cells.filter((c) => c.etcd.errors + c.barn.errors > 0).map((c) => `- errors at ${c.size} node(s) × ${c.concurrency}: etcd ${c.etcd.errors}, Barn ${c.barn.errors} ${[...c.etcd.errorSamples, ...c.barn.errorSamples].slice(0, 2).join('; ')}`);
  return [head, rule, ...rows, ...errs].join('\n');
}

export function matrixVerdict(cells: readonly Cell[]): string {
  const slow = cells.filter((c) => c.throughputRatio < 1);
  const tail = cells.filter((c) => c.p99Ratio > 1);
  return [
    `- Throughput ≥ etcd at every cell (ratio ≥ 1.0): ${slow.length === 0 ? 'met' : `MISSED in ${slow.length}/${cells.length} cells (ratios ${slow.map((c) => c.throughputRatio.toFixed(2)).join(', ')})`}.`,
    `- p99 no worse than etcd: ${tail.length === 0 ? 'met' : `MISSED in ${tail.length}/${cells.length} cells (Barn p99 / etcd p99 ${tail.map((c) => c.p99Ratio.toFixed(2)).join(', ')})`}.`,
  ].join('\n');
}

export function soakTable(s: SoakResult, points = 12): string {
  const head = '| t (s) | revision | RSS MB | of which anon MB | of which file MB | of which data.mdb MB | data dir MB (allocated) | data dir MB (apparent) | load avg |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = thin(s.samples, points).map((x) => `| ${x.t.toFixed(0)} | ${x.revision < 0 ? '—' : n0(x.revision)} | ${mb(x.rssBytes)} | ${mb(x.rssAnonBytes)} | ${mb(x.rssFileBytes)} | ${mb(x.rssDataFileBytes)} | ${mb(x.dirAllocatedBytes)} | ${mb(x.dirApparentBytes)} | ${x.load1.toFixed(1)} |`);
  return [head, ...rows].join('\n');
}

/** Bounded = the median allocated size in the last third of the run is within 10% of the median before it
 * (after the first sixth, where the dir fills up). The size is a sawtooth: WAL segments grow and are rotated
 * away at each snapshot, and for a moment the new snapshot (file or env copy) and the old segments and snapshot
 * are all there (spikes of 15–50 MB). Samples are a second apart, so a spike shows in some windows and not in
 * others: comparing maxima called the sawtooth "growing" whenever a sampled spike fell into the last third (stop 11, twice in stop 12).
 * A dir that keeps growing raises its median; a spike does not. The maxima are reported beside it. */
export function soakBounded(s: SoakResult): { bounded: boolean; earlierMedian: number; lastThirdMedian: number; earlierMax: number; lastThirdMax: number } {
  const n = s.samples.length;
  const earlier = s.samples.slice(Math.floor(n / 6), Math.floor((2 * n) / 3)).map((x) => x.dirAllocatedBytes);
  const lastThird = s.samples.slice(Math.floor((2 * n) / 3)).map((x) => x.dirAllocatedBytes);
  const earlierMedian = median(earlier);
  const lastThirdMedian = median(lastThird);
  return { bounded: lastThirdMedian <= earlierMedian * 1.1, earlierMedian, lastThirdMedian, earlierMax: Math.max(0, ...earlier), lastThirdMax: Math.max(0, ...lastThird) };
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function soakVerdict(s: SoakResult): string {
  const b = soakBounded(s);
  return [
    `- ${n0(s.writes)} writes (${n0(s.load.ok)} acknowledged, ${s.load.errors} errors) in ${s.load.seconds.toFixed(0)} s = ${n0(s.load.putsPerSec)} puts/s at ${s.load.concurrency} in flight; final revision ${n0(s.finalRevision)}.`,
    `- Peak RSS ${mb(s.peakRssBytes)} MB (target < 300 MB): ${s.peakRssBytes < RSS_TARGET_BYTES ? 'met' : 'MISSED'}; peak anonymous memory (RssAnon, without LMDB's mapped file) ${mb(s.peakRssAnonBytes)} MB: ${s.peakRssAnonBytes < RSS_TARGET_BYTES ? 'under' : 'over'} 300 MB.`,
    `- Data dir: peak ${mb(s.peakDirAllocatedBytes)} MB, final ${mb(s.finalDirAllocatedBytes)} MB allocated (${mb(s.finalDirApparentBytes)} MB apparent); median before the last third ${mb(b.earlierMedian)} MB (max ${mb(b.earlierMax)}), in the last third ${mb(b.lastThirdMedian)} MB (max ${mb(b.lastThirdMax)}): ${b.bounded ? 'bounded (stopped growing)' : 'STILL GROWING'}.`,
    ...(s.env ? [envLine(s)] : []),
  ].join('\n');
}

function envLine(s: SoakResult): string {
  const e = s.env!;
  const pct = (p: number): string => `${((100 * p) / e.filePages).toFixed(0)}%`;
  const tables = Object.entries(e.databases).map(([name, d]) => `${name} ${mb(d.pages * e.pageSize)} MB (${n0(d.entries)} ${name === 'log' ? 'chunks of entries' : 'entries'})`).join(', ');
  return `- Inside the data dir at the end: data.mdb ${mb(e.filePages * e.pageSize)} MB, ${mb(e.usedPages * e.pageSize)} MB in use (${pct(e.usedPages)}: ${tables}), ${mb(e.freePages * e.pageSize)} MB free pages (${pct(e.freePages)}); the snapshot (its file or env copy) ${mb(e.snapshotBytes)} MB.`;
}

export function profileBlock(p: ProfileRun): string {
  return [`Barn ×${p.size}, ${p.concurrency} in flight, leader ${p.leader}: ${n0(p.load.putsPerSec)} puts/s under the profiler`, '```', formatSummary(p.summary), '```'].join('\n');
}

export function warmUpTable(w: WarmUpRun): string {
  const head = '| second | etcd puts | Barn puts | Barn/etcd |\n|---:|---:|---:|---:|';
  const rows = w.barn.map((b, i) => `| ${i + 1} | ${n0(w.etcd[i]!)} | ${n0(b)} | ${w.etcd[i]! > 0 ? (b / w.etcd[i]!).toFixed(2) : '—'} |`);
  return [head, ...rows].join('\n');
}

export function warmUpVerdict(w: WarmUpRun): string {
  const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
  const first = Math.min(5, w.barn.length);
  const keepsUp = secondBarnKeepsUp(w);
  return [
    `- First ${first} s after start: Barn ${n0(sum(w.barn.slice(0, first)))} writes, etcd ${n0(sum(w.etcd.slice(0, first)))} (${(sum(w.barn.slice(0, first)) / Math.max(1, sum(w.etcd.slice(0, first)))).toFixed(2)}).`,
    `- Barn keeps up with etcd ${keepsUp > 0 ? `from second ${keepsUp} on` : 'in no stretch up to the end of the run'}; the last ${first} s: Barn ${n0(sum(w.barn.slice(-first)))}, etcd ${n0(sum(w.etcd.slice(-first)))} (${(sum(w.barn.slice(-first)) / Math.max(1, sum(w.etcd.slice(-first)))).toFixed(2)}).`,
  ].join('\n');
}
