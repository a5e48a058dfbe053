// Reads one repository file as text for the compiler: follows a symlink only when it stays inside the
// repository, enforces the size limit and strict UTF-8. Returns a Problem instead of text when it cannot.
import { posix } from 'node:path';
import { problem, type Problem } from '../../common/problem.ts';
import { decodeTextFile } from '../../common/text-file.ts';
import type { RepoEntry, RepoReader } from '../source/repo-reader.ts';

export type TextResult = { ok: true; text: string; oid: string } | { ok: false; problem: Problem };

const MAX_LINKS = 8;

export async function readText(reader: RepoReader, entry: RepoEntry): Promise<TextResult> {
  let current = entry;
  for (let hop = 0; current.kind === 'symlink'; hop++) {
    if (hop >= MAX_LINKS) {
      return { ok: false, problem: problem('REPO_SYMLINK_LOOP', `too many symlink hops from ${entry.path}`, { file: entry.path, line: 1, col: 1 }) };
    }
    const target = new TextDecoder().decode(await reader.read(current));
    const resolved = posix.normalize(posix.join(posix.dirname(current.path), target));
    if (posix.isAbsolute(target) || resolved === '..' || resolved.startsWith('../')) {
      return {
        ok: false,
        problem: problem('REPO_SYMLINK_ESCAPE', `symlink points outside the repository (to ${target})`, { file: entry.path, line: 1, col: 1 }, {
          hint: 'copy the file into the repository instead of linking to it',
        }),
      };
    }
    const dir = posix.dirname(resolved);
    const found = (await reader.list(dir === '.' ? '' : dir)).find((e) => e.path === resolved);
    if (found === undefined || found.kind === 'tree') {
      return { ok: false, problem: problem('REPO_SYMLINK_BROKEN', `symlink target ${target} is not a file in the repository`, { file: entry.path, line: 1, col: 1 }) };
    }
    current = found;
  }
  const decoded = decodeTextFile(entry.path, await reader.read(current));
  return decoded.ok ? { ok: true, text: decoded.text, oid: current.oid } : decoded;
}
