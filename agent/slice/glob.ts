// Expands a source path (relative to the data root) into the files to read, in lexical order of their paths:
// - a pattern with `*` (within a segment), `?` (one character) or `**` (any number of folders);
// - a folder (`x/` or an existing directory): every file below it, recursively;
// - otherwise one file (which must exist).
// Names starting with `.` are skipped by patterns and folders (sinks write their temporary files as dot
// files, so a reader never picks up a half-written output). Every match is checked against the real data root,
// so a symlink that leads out of it fails the run instead of being read.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { SliceError } from './errors.ts';
import { assertRealInside, isInside } from './data-path.ts';

const MAGIC = /[*?[]/;

/** `*.ndjson` → RegExp for one path segment. */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (const ch of segment) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function hasGlob(path: string): boolean {
  return MAGIC.test(path);
}

/** Files (absolute, real paths) a source reads, in lexical order of their relative paths. */
export async function expandSourcePath(dataRoot: string, rel: string): Promise<string[]> {
  const root = await realpath(dataRoot);
  if (hasGlob(rel)) {
    const segments = rel.split('/').filter((s) => s !== '');
    const found: string[] = [];
    await walkPattern(root, root, '', segments, found);
    return sortUnique(found).map((r) => join(root, r));
  }
  const abs = join(root, rel);
  const st = await lstat(abs).catch(() => undefined);
  if (st === undefined) throw new SliceError('SLICE_SOURCE_NOT_FOUND', `source file ${rel} does not exist in the data root`, { path: rel });
  const real = await assertRealInside(root, abs);
  const realSt = await lstat(real);
  if (realSt.isDirectory() || rel.endsWith('/')) {
    const found: string[] = [];
    await walkAll(root, real, rel === '' ? '' : rel.replace(/\/$/, ''), found);
    return sortUnique(found).map((r) => join(root, r));
  }
  return [real];
}

async function walkPattern(root: string, dir: string, relDir: string, segments: readonly string[], out: string[]): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (head === '**') {
    await walkPattern(root, dir, relDir, rest, out); // zero folders
    for (const entry of await entries(dir, relDir)) {
      // Descending only: a symlink out of the root is not followed here (it fails the run only if read).
      const kind = await classify(root, entry.abs, entry.rel).catch(() => ({ dir: false }));
      if (kind.dir) await walkPattern(root, entry.abs, entry.rel, segments, out);
    }
    return;
  }
  const re = hasGlob(head) ? segmentRegExp(head) : undefined;
  const candidates = re === undefined ? [{ name: head, abs: join(dir, head), rel: relDir === '' ? head : `${relDir}/${head}` }] : await entries(dir, relDir);
  for (const entry of candidates) {
    if (re !== undefined && !re.test(entry.name)) continue;
    if (re === undefined && (await lstat(entry.abs).catch(() => undefined)) === undefined) continue;
    const kind = await classify(root, entry.abs, entry.rel);
    if (rest.length === 0 && !kind.dir) out.push(entry.rel);
    else if (rest.length > 0 && kind.dir) await walkPattern(root, entry.abs, entry.rel, rest, out);
  }
}

async function walkAll(root: string, dir: string, relDir: string, out: string[]): Promise<void> {
  for (const entry of await entries(dir, relDir)) {
    if ((await classify(root, entry.abs, entry.rel)).dir) await walkAll(root, entry.abs, entry.rel, out);
    else out.push(entry.rel);
  }
}

interface Entry {
  readonly name: string;
  readonly abs: string;
  readonly rel: string;
}

async function entries(dir: string, relDir: string): Promise<Entry[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
  return names.map((name) => ({ name, abs: join(dir, name), rel: relDir === '' ? name : `${relDir}/${name}` }));
}

/** Directory or file; symlinks are followed only when they stay inside the root. */
async function classify(root: string, abs: string, rel: string): Promise<{ dir: boolean }> {
  const st = await lstat(abs);
  if (!st.isSymbolicLink()) return { dir: st.isDirectory() };
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined || !isInside(root, real)) {
    throw new SliceError('SLICE_PATH_ESCAPE', `${rel} is a symlink that leads out of the data root`, { path: rel });
  }
  return { dir: (await lstat(real)).isDirectory() };
}

function sortUnique(paths: string[]): string[] {
  return [...new Set(paths)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
