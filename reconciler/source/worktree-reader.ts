// Reads a pipeline repository's working tree from disk. Files are hashed like Git blobs so compile caches keyed
// by oid work across working trees and commits. Folder oids are derived from their children's names and oids
// (not Git's exact tree encoding, but equal contents give equal ids, which is all a cache needs). Only the
// folders asked for are read.
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gitObjectId } from './git-blob-id.ts';
import type { RepoEntry, RepoReader } from './repo-reader.ts';

/** Folders never part of a pipeline repository's desired state. */
const IGNORED = new Set(['.git', 'node_modules', '.runink']);

export function worktreeReader(root: string): RepoReader {
  const dirs = new Map<string, Promise<RepoEntry[] | undefined>>();
  const oids = new Map<string, Promise<string | undefined>>();
  const contents = new Map<string, Uint8Array>();

  const readDir = (dir: string): Promise<RepoEntry[] | undefined> => {
    let pending = dirs.get(dir);
    if (pending === undefined) {
      pending = (async () => {
        let names: string[];
        try {
          names = (await readdir(join(root, dir))).sort();
        } catch {
          return undefined;
        }
        const entries: RepoEntry[] = [];
        for (const name of names) {
          if (IGNORED.has(name)) continue;
          const path = dir === '' ? name : `${dir}/${name}`;
          const st = await lstat(join(root, path));
          if (st.isSymbolicLink()) {
            const bytes = new TextEncoder().encode(await readlink(join(root, path)));
            contents.set(path, bytes);
            entries.push({ name, path, oid: gitObjectId('blob', bytes), kind: 'symlink' });
          } else if (st.isDirectory()) {
            // A subfolder's oid is computed only when that folder is listed (treeOid), so listing the root
            // never reads data/ or golden/.
            entries.push({ name, path, oid: '', kind: 'tree' });
          } else if (st.isFile()) {
            const bytes = await readFile(join(root, path));
            contents.set(path, bytes);
            entries.push({ name, path, oid: gitObjectId('blob', bytes), kind: 'file' });
          }
        }
        return entries;
      })();
      dirs.set(dir, pending);
    }
    return pending;
  };

  const treeOid = (dir: string): Promise<string | undefined> => {
    let pending = oids.get(dir);
    if (pending === undefined) {
      pending = (async () => {
        const entries = await readDir(dir);
        if (entries === undefined) return undefined;
        const parts: string[] = [];
        for (const e of entries) parts.push(`${e.kind} ${e.kind === 'tree' ? ((await treeOid(e.path)) ?? '') : e.oid} ${e.name}`);
        return gitObjectId('tree', new TextEncoder().encode(parts.join('\n')));
      })();
      oids.set(dir, pending);
    }
    return pending;
  };

  return {
    id: 'worktree',
    treeOid,
    list: async (dir) => (await readDir(dir)) ?? [],
    read: async (entry) => contents.get(entry.path) ?? (await readFile(join(root, entry.path))),
  };
}
