// What `--base`/`--head` name: `EMPTY` (nothing), `WORKTREE` (the files on disk now), or any Git revision of
// the repository containing DIR (branch, tag, commit id, `HEAD~1`…).
import fs from 'node:fs';
import { RuninkError } from '../../common/error.ts';
import { gitReader, locateGit, type GitLocation } from './git-reader.ts';
import { resolveCommit } from './resolve-ref.ts';
import { emptyReader, type RepoReader } from './repo-reader.ts';
import { worktreeReader } from './worktree-reader.ts';

export const EMPTY_REF = 'EMPTY';
export const WORKTREE_REF = 'WORKTREE';

export async function openRef(dir: string, ref: string, git?: GitLocation): Promise<RepoReader> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new RuninkError('CLI_NOT_FOUND', `${dir} is not a folder`, { dir });
  }
  if (ref === EMPTY_REF) return emptyReader;
  if (ref === WORKTREE_REF) return worktreeReader(dir);
  const loc = git ?? (await locateGit(dir));
  if (loc === undefined) {
    throw new RuninkError('SOURCE_NOT_GIT', `${dir} is not inside a Git repository, so \`${ref}\` cannot be resolved`, { dir, ref });
  }
  return gitReader(loc, await resolveCommit(loc, ref));
}
