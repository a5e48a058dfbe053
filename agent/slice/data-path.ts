// Confinement of file:// paths to the herd data root, checked twice: lexically (no absolute path, no `..`
// above the root, `\` counts as a separator) before anything is opened, and physically (realpath) when a file
// is opened or a sink's folder is created, so a symlink inside the root that points out of it is refused.
// Bind mounts are not symlinks and pass, which is how the `shared/<herd>/` hand-over works.
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, sep } from 'node:path';
import { SliceError } from './errors.ts';

/** `file://landing/x.ndjson` → `landing/x.ndjson` (normalised, relative to the data root). */
export function relativeDataPath(uri: string): string {
  if (!uri.startsWith('file://')) throw new SliceError('SLICE_UNSUPPORTED_URI', `not a file:// URI: ${uri}`, { uri });
  const raw = uri.slice('file://'.length).replace(/\\/g, '/');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.startsWith('~') || isAbsolute(raw)) {
    throw new SliceError('SLICE_PATH_ESCAPE', `absolute path in ${uri}: paths are relative to the data root`, { uri });
  }
  const norm = posix.normalize(raw);
  if (norm === '..' || norm.startsWith('../')) throw new SliceError('SLICE_PATH_ESCAPE', `${uri} climbs above the data root`, { uri });
  return norm === '.' ? '' : norm;
}

/** Whether `child` is `root` or below it (both absolute, already resolved). */
export function isInside(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Resolves the real path of `abs` and refuses it when it is outside the real data root. */
export async function assertRealInside(dataRoot: string, abs: string): Promise<string> {
  const root = await realpath(dataRoot);
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    throw new SliceError('SLICE_SOURCE_NOT_FOUND', `${abs} does not exist`, { path: abs }, { cause: e });
  }
  if (!isInside(root, real)) throw new SliceError('SLICE_PATH_ESCAPE', `${abs} resolves to ${real}, outside the data root`, { path: abs, real });
  return real;
}

/** Absolute path of a sink file: parents created inside the data root; an existing symlink target refused. */
export async function prepareSinkPath(dataRoot: string, rel: string): Promise<string> {
  const root = await realpath(dataRoot);
  const abs = join(root, rel);
  // The deepest existing ancestor decides where mkdir would land; check it before creating anything.
  let probe = dirname(abs);
  while (!(await exists(probe))) probe = dirname(probe);
  const realProbe = await realpath(probe);
  if (!isInside(root, realProbe)) throw new SliceError('SLICE_PATH_ESCAPE', `${rel} lies under ${realProbe}, outside the data root`, { path: rel });
  await mkdir(dirname(abs), { recursive: true });
  const realParent = await realpath(dirname(abs));
  if (!isInside(root, realParent)) throw new SliceError('SLICE_PATH_ESCAPE', `${rel} lies outside the data root`, { path: rel });
  const st = await lstat(abs).catch(() => undefined);
  if (st?.isSymbolicLink()) throw new SliceError('SLICE_PATH_ESCAPE', `sink ${rel} is a symlink; refusing to write through it`, { path: rel });
  return join(realParent, basename(abs));
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
