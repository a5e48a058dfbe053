// Turns what a user types for --base/--head into a commit oid: a branch, tag, `HEAD`, a full or abbreviated
// commit id, optionally followed by `~N` / `^` ancestry steps (`main~2`, `HEAD^`). Unknown refs are a
// RuninkError with code SOURCE_UNKNOWN_REF (the CLI reports it as a usage error).
import fs from 'node:fs';
import git from 'isomorphic-git';
import { RuninkError } from '../../common/error.ts';
import type { GitLocation } from './git-reader.ts';

const ANCESTRY = /^(.*?)((?:~\d*|\^)*)$/;

export async function resolveCommit(loc: GitLocation, ref: string): Promise<string> {
  const m = ANCESTRY.exec(ref.trim());
  const name = m?.[1] ?? ref;
  const steps = (m?.[2] ?? '').match(/~\d*|\^/g) ?? [];
  let oid = await resolveName(loc, name, ref);
  for (const step of steps) {
    const count = step === '^' ? 1 : step === '~' ? 1 : Number(step.slice(1));
    for (let i = 0; i < count; i++) {
      const { commit } = await git.readCommit({ fs, dir: loc.gitRoot, oid, cache: loc.cache });
      const parent = commit.parent[0];
      if (parent === undefined) throw new RuninkError('SOURCE_UNKNOWN_REF', `${ref}: ${oid.slice(0, 12)} has no parent`, { ref });
      oid = parent;
    }
  }
  return oid;
}

async function resolveName(loc: GitLocation, name: string, ref: string): Promise<string> {
  const dir = loc.gitRoot;
  try {
    const oid = await git.resolveRef({ fs, dir, ref: name });
    return await peelToCommit(loc, oid);
  } catch {
    // not a ref: try an object id below
  }
  if (/^[0-9a-f]{4,40}$/i.test(name)) {
    try {
      const oid = await git.expandOid({ fs, dir, oid: name.toLowerCase(), cache: loc.cache });
      return await peelToCommit(loc, oid);
    } catch {
      // fall through
    }
  }
  throw new RuninkError('SOURCE_UNKNOWN_REF', `unknown revision \`${ref}\` in ${dir}`, { ref }, undefined);
}

/** Annotated tags point at tag objects; follow them to the commit. */
async function peelToCommit(loc: GitLocation, oid: string): Promise<string> {
  let current = oid;
  for (let i = 0; i < 10; i++) {
    const obj = await git.readObject({ fs, dir: loc.gitRoot, oid: current, cache: loc.cache });
    if (obj.type === 'commit') return current;
    if (obj.type === 'tag' && obj.format === 'parsed') {
      current = (obj.object as { object: string }).object;
      continue;
    }
    break;
  }
  throw new RuninkError('SOURCE_UNKNOWN_REF', `${oid} is not a commit`, { oid });
}
