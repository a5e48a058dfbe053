// What fills a stopped Barn node's data dir: opens its LMDB env read-only and counts pages per database
// (branch + leaf + overflow) against the file's last page, so "data dir size" splits into live data and free
// pages, and reports the stored snapshot's size (its file next to the env; the env value in older dirs). Table names are Barn's (barn/storage/lmdb-env.ts); the node
// must be stopped (the env is opened without the node's dir lock).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';

interface DbStats {
  readonly treeBranchPageCount: number;
  readonly treeLeafPageCount: number;
  readonly overflowPages: number;
  readonly entryCount: number;
  readonly pageSize: number;
  readonly lastPageNumber: number;
}

export interface EnvStats {
  readonly pageSize: number;
  /** Pages the file spans (last page number + 1). */
  readonly filePages: number;
  /** Pages used by each database, and its entry count. */
  readonly databases: Readonly<Record<string, { pages: number; entries: number }>>;
  readonly usedPages: number;
  /** filePages − usedPages: free (or free-list) pages LMDB has not reused. */
  readonly freePages: number;
  /** The current snapshot file(s) or env copy (barn/storage/snapshot-file.ts), or the env value in a dir from before them. */
  readonly snapshotBytes: number;
}

const TABLES = ['log', 'meta', 'kv-records', 'kv-history'];

export async function envStats(dataDir: string): Promise<EnvStats> {
  const root = open(dataDir, { maxDbs: 8, readOnly: true });
  try {
    const rootStats = root.getStats() as DbStats;
    const databases: Record<string, { pages: number; entries: number }> = {};
    let used = 2 + rootStats.treeBranchPageCount + rootStats.treeLeafPageCount; // 2 meta pages
    for (const name of TABLES) {
      const s = root.openDB<Buffer, Buffer>(name, { encoding: 'binary', keyEncoding: 'binary' }).getStats() as DbStats;
      const pages = s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
      databases[name] = { pages, entries: s.entryCount };
      used += pages;
    }
    const legacy = root.openDB<Buffer, string>('meta', { encoding: 'binary' }).getBinary('snapshot-data');
    // a snapshot's bytes (.snap), or a local snapshot's copy of the env (.lmdb/data.mdb)
    const files = readdirSync(dataDir).flatMap((n) => (/^snapshot-\d+\.snap$/.test(n) ? [n] : /^snapshot-\d+\.lmdb$/.test(n) ? [join(n, 'data.mdb')] : []));
    const fileBytes = files.reduce((sum, n) => sum + statSync(join(dataDir, n)).size, 0);
    const filePages = rootStats.lastPageNumber + 1;
    return { pageSize: rootStats.pageSize, filePages, databases, usedPages: used, freePages: filePages - used, snapshotBytes: fileBytes + (legacy?.length ?? 0) };
  } finally {
    await root.close();
  }
}
