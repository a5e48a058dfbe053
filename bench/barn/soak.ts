// The memory/disk soak: N writes (256-byte values over `keys` keys) to a single fresh Barn node with its
// default housekeeping (barn/node/barn-node.ts: snapshot every 50,000 applied entries + log compaction 5,000
// behind it, revision compaction past 20,000 + 5,000 retained revisions). Every second it samples the server's
// VmRSS (split into anonymous, mapped files, and of those LMDB's data.mdb), the 1-minute load average and its data dir size; the
// result holds the whole series, the peak RSS, the dir size at the end and what fills the dir (env-stats.ts).
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { barnStatus, startBarnCluster } from './barn-cluster.ts';
import { runLoad, type LoadResult } from './load-spec.ts';
import { envStats, type EnvStats } from './env-stats.ts';
import { dirSize, mb, rss } from './proc-stats.ts';

export interface SoakOptions {
  readonly writes: number;
  readonly concurrency: number;
  readonly keys: number;
  readonly valueBytes: number;
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  /** VmRSS (includes the LMDB data file pages mapped by the process). */
  readonly rssBytes: number;
  /** RssAnon: the process's own memory (heap, buffers). */
  readonly rssAnonBytes: number;
  /** RssFile: resident mapped-file pages (LMDB's data.mdb). */
  readonly rssFileBytes: number;
  /** Of rssFileBytes: pages of LMDB's data.mdb resident through the node's mappings of it. */
  readonly rssDataFileBytes: number;
  /** 1-minute load average of the machine. */
  readonly load1: number;
  readonly dirApparentBytes: number;
  readonly dirAllocatedBytes: number;
  /** Store revision (= writes applied so far), polled from /v1/status; -1 when the poll failed. */
  readonly revision: number;
}

export interface SoakResult {
  readonly writes: number;
  readonly load: LoadResult;
  readonly samples: readonly SoakSample[];
  readonly peakRssBytes: number;
  readonly peakRssAnonBytes: number;
  readonly peakDirAllocatedBytes: number;
  readonly finalDirAllocatedBytes: number;
  readonly finalDirApparentBytes: number;
  readonly finalRevision: number;
  /** Inside the data dir after the node stopped: live pages per table vs free pages, snapshot size. */
  readonly env?: EnvStats;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const dir = join(o.workDir, 'soak');
  rmSync(dir, { recursive: true, force: true });
  const cluster = await startBarnCluster(1, dir);
  const node = cluster.members[0]!;
  const samples: SoakSample[] = [];
  const started = Date.now();
  let sampling = false;
  const sample = async (): Promise<void> => {
    if (sampling) return;
    sampling = true;
    try {
      const size = dirSize(node.dataDir);
      let revision = -1;
      try {
        revision = (await barnStatus(node.url)).revision;
      } catch {
        // busy or gone: keep the sample without a revision
      }
      const r = rss(node.pid);
      const s: SoakSample = { t: (Date.now() - started) / 1000, rssBytes: r.total, rssAnonBytes: r.anon, rssFileBytes: r.file, rssDataFileBytes: r.dataFile, load1: loadavg()[0]!, dirApparentBytes: size.apparent, dirAllocatedBytes: size.allocated, revision };
      samples.push(s);
      if (samples.length % 15 === 0) o.log(`soak t=${s.t.toFixed(0)} s revision ${s.revision} rss ${mb(s.rssBytes)} MB (anon ${mb(s.rssAnonBytes)}, file ${mb(s.rssFileBytes)}, data.mdb ${mb(s.rssDataFileBytes)}) dir ${mb(s.dirAllocatedBytes)} MB (apparent ${mb(s.dirApparentBytes)} MB)`);
    } finally {
      sampling = false;
    }
  };
  const timer = setInterval(() => void sample(), 1000);
  try {
    const load = await runLoad({ kind: 'barn', endpoints: [node.url], token: cluster.token!, concurrency: o.concurrency, keys: o.keys, valueBytes: o.valueBytes, totalWrites: o.writes, timeoutMs: 60_000 }, (line) => o.log(`soak load: ${line}`));
    clearInterval(timer);
    await sample();
    const last = samples.at(-1)!;
    await cluster.stop();
    let env: EnvStats | undefined;
    try {
      env = await envStats(node.dataDir);
    } catch (e) {
      o.log(`soak: could not read the env stats: ${e instanceof Error ? e.message : String(e)}`);
    }
    return {
      ...(env ? { env } : {}),
      writes: o.writes,
      load,
      samples,
      peakRssBytes: Math.max(...samples.map((s) => s.rssBytes)),
      peakRssAnonBytes: Math.max(...samples.map((s) => s.rssAnonBytes)),
      peakDirAllocatedBytes: Math.max(...samples.map((s) => s.dirAllocatedBytes)),
      finalDirAllocatedBytes: last.dirAllocatedBytes,
      finalDirApparentBytes: last.dirApparentBytes,
      finalRevision: last.revision,
    };
  } finally {
    clearInterval(timer);
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The series thinned to about `points` rows (always including the last), for the report. */
export function thin(samples: readonly SoakSample[], points: number): SoakSample[] {
  if (samples.length <= points) return [...samples];
  const step = samples.length / points;
  const out: SoakSample[] = [];
  for (let i = 0; i < points; i++) out.push(samples[Math.floor(i * step)]!);
  if (out.at(-1) !== samples.at(-1)) out.push(samples.at(-1)!);
  return out;
}
