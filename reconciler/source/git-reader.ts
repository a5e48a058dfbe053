// Reads a commit of a Git repository through isomorphic-git. The pipeline repository may be a subfolder of
// the Git repository (examples-repo/ inside this project): `prefix` is that folder, and paths handed out are
// relative to it. Trees are read lazily and memoised per reader, so listing a folder twice reads it once.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { RuninkError } from '../../common/error.ts';
import type { EntryKind, RepoEntry, RepoReader } from './repo-reader.ts';

export interface GitLocation {
  /** Folder holding `.git`. */
  readonly gitRoot: string;
  /** The pipeline repository's folder relative to gitRoot ('' when it is the root). */
  readonly prefix: string;
  /** isomorphic-git's pack cache, shared by every reader of the same repository. */
  readonly cache: object;
}

export async function locateGit(dir: string): Promise<GitLocation | undefined> {
  const abs = fs.realpathSync(dir);
  let gitRoot: string;
  try {
    gitRoot = await git.findRoot({ fs, filepath: abs });
  } catch {
    return undefined;
  }
  const prefix = abs === gitRoot ? '' : abs.slice(gitRoot.length + 1);
  return { gitRoot, prefix, cache: {} };
}

export async function gitReader(loc: GitLocation, commitOid: string): Promise<RepoReader> {
  const { gitRoot, prefix, cache } = loc;
  const commit = await git.readCommit({ fs, dir: gitRoot, oid: commitOid, cache });
  const trees = new Map<string, Promise<{ oid: string; entries: RepoEntry[] } | undefined>>();
  const full = (dir: string): string => [prefix, dir].filter((s) => s !== '').join('/');

  const readDir = (dir: string): Promise<{ oid: string; entries: RepoEntry[] } | undefined> => {
    let pending = trees.get(dir);
    if (pending === undefined) {
      pending = (async () => {
        const path = full(dir);
        let result;
        try {
          result = await git.readTree({ fs, dir: gitRoot, oid: commit.oid, ...(path === '' ? {} : { filepath: path }), cache });
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw new RuninkError('GIT_READ_FAILED', `cannot read ${path || '/'} at ${commit.oid}: ${String(e)}`, { path });
        }
        const entries = result.tree
          .map((t) => ({
            name: t.path,
            path: dir === '' ? t.path : `${dir}/${t.path}`,
            oid: t.oid,
            kind: kindOf(t.mode, t.type),
          }))
          .filter((e): e is RepoEntry & { kind: EntryKind } => e.kind !== undefined)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return { oid: result.oid, entries };
      })();
      trees.set(dir, pending);
    }
    return pending;
  };

  return {
    id: commit.oid,
    treeOid: async (dir) => (await readDir(dir))?.oid,
    list: async (dir) => (await readDir(dir))?.entries ?? [],
    read: async (entry) => (await git.readBlob({ fs, dir: gitRoot, oid: entry.oid, cache })).blob,
  };
}

function kindOf(mode: string, type: string): EntryKind | undefined {
  if (type === 'tree') return 'tree';
  if (type !== 'blob') return undefined; // submodules (commit entries) are not part of a pipeline repository
  return mode === '120000' ? 'symlink' : 'file';
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'NotFoundError' || code === 'ObjectTypeError';
}
