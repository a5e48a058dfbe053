// A RepoReader is one immutable view of a pipeline repository: a Git commit, or a working tree at the moment
// it was read. Everything the compiler needs goes through it, so the same compile code serves `runi validate`
// (working tree), `runi plan` (two commits) and the reconciler (the tracked branch).
//
// Ids are Git object ids for both kinds: a working tree hashes its files the way `git hash-object` does, so a
// file has the same oid in a commit and in the working tree, and compile caches keyed by oid serve both.

export type EntryKind = 'file' | 'symlink' | 'tree';

export interface RepoEntry {
  /** Path relative to the repository root, `/`-separated. */
  readonly path: string;
  readonly name: string;
  readonly oid: string;
  readonly kind: EntryKind;
}

export interface RepoReader {
  /** Commit oid, or `worktree` for a working tree. */
  readonly id: string;
  /** Object id of the folder `dir` ('' = root), or undefined when it does not exist. Equal ids mean equal
   * contents, so a cache keyed by it can skip the whole folder. */
  treeOid(dir: string): Promise<string | undefined>;
  /** Direct children of `dir`, sorted by name; empty when the folder does not exist. */
  list(dir: string): Promise<RepoEntry[]>;
  /** Bytes of a file (for a symlink: its target path as bytes). */
  read(entry: RepoEntry): Promise<Uint8Array>;
}

/** The state before anything: no files at all. `runi plan --base EMPTY` compares against it. */
export const emptyReader: RepoReader = {
  id: 'EMPTY',
  treeOid: async () => undefined,
  list: async () => [],
  read: async () => new Uint8Array(),
};
