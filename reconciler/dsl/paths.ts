// Paths users write: source/sink URIs (relative to the herd's data root) and `@golden` folders (relative to
// the repository root). Both must stay inside their root: absolute paths and `..` that climbs above the root
// are DSL_PATH_ESCAPE. Checked lexically here; the agent re-checks symlinks when it opens files.
import type { Bound } from './args.ts';
import type { ProblemSink } from './problem-sink.ts';

export type DataUri =
  | { readonly scheme: 'file'; readonly uri: string; readonly path: string }
  | { readonly scheme: 'stdin' | 'stdout'; readonly uri: string };

const GLOB = /[*?[\]{}]/;

type Normalized = { ok: true; path: string } | { ok: false; reason: 'absolute' | 'escape' | 'empty' };

/** Resolves `.`/`..`/empty segments of a relative path; `\` counts as a separator so `..\x` is caught too. */
export function normalizeRelative(path: string): Normalized {
  if (/^[/\\~]/.test(path) || /^[A-Za-z]:/.test(path)) return { ok: false, reason: 'absolute' };
  const out: string[] = [];
  for (const seg of path.split(/[/\\]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') out.push(seg);
    else if (out.pop() === undefined) return { ok: false, reason: 'escape' };
  }
  if (out.length === 0) return { ok: false, reason: 'empty' };
  const trailing = /[/\\]$/.test(path) ? '/' : '';
  return { ok: true, path: out.join('/') + trailing };
}

export function checkDataUri(text: string, role: 'source' | 'sink', at: Bound, sink: ProblemSink): DataUri | undefined {
  const std = role === 'source' ? 'stdin:' : 'stdout:';
  if (text === std) return { scheme: role === 'source' ? 'stdin' : 'stdout', uri: std };
  if (!text.startsWith('file://')) {
    sink.add('DSL_UNSUPPORTED_URI', `${role} \`${text}\` is not a supported URI`, at.source.line, at.source.col, `write "file://<path under the herd's data root>" or ${std}`);
    return undefined;
  }
  const n = normalizeRelative(text.slice('file://'.length));
  if (n.ok) return { scheme: 'file', uri: `file://${n.path}`, path: n.path };
  switch (n.reason) {
    case 'absolute':
      sink.add('DSL_PATH_ESCAPE', `${role} \`${text}\` is an absolute path; paths are relative to the herd's data root`, at.source.line, at.source.col, 'write file://<folder>/<file>, e.g. file://landing/orders.ndjson');
      break;
    case 'escape':
      sink.add('DSL_PATH_ESCAPE', `${role} \`${text}\` climbs out of the herd's data root with \`..\``, at.source.line, at.source.col, "a slice may only read and write inside its herd's data root");
      break;
    case 'empty':
      sink.add('DSL_BAD_ARGUMENT', `${role} \`${text}\` names no file or folder`, at.source.line, at.source.col, 'write file://<folder>/<file>');
      break;
  }
  return undefined;
}

/** A folder inside the repository (for `@golden`), normalised. */
export function checkRepoPath(text: string, at: Bound, sink: ProblemSink): string | undefined {
  const n = normalizeRelative(text);
  if (n.ok) return n.path.replace(/\/$/, '');
  if (n.reason === 'empty') {
    sink.add('DSL_BAD_ARGUMENT', `golden path \`${text}\` names no folder`, at.source.line, at.source.col, 'e.g. golden/<pipeline>/<scenario>');
  } else {
    const why = n.reason === 'absolute' ? 'is an absolute path' : 'climbs out of the repository with `..`';
    sink.add('DSL_PATH_ESCAPE', `golden path \`${text}\` ${why}`, at.source.line, at.source.col, 'golden fixtures live inside the repository, e.g. golden/<pipeline>/<scenario>');
  }
  return undefined;
}

/** Default node id of a URI: the file stem of the last segment without glob characters, lower case, with
 * characters outside [a-z0-9_-] turned into `-`. `file://landing/orders/*.ndjson` → `orders`. */
export function uriStem(uri: DataUri): string {
  if (uri.scheme !== 'file') return uri.scheme;
  const segs = uri.path.split('/').filter((s) => s !== '' && !GLOB.test(s));
  const last = segs[segs.length - 1] ?? '';
  const isFile = segs.length > 0 && last === uri.path.split('/').filter((s) => s !== '').pop();
  const stem = isFile && !uri.path.endsWith('/') ? last.replace(/\.[^.]*$/, '') : last;
  return sanitizeId(stem);
}

export function sanitizeId(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `.csv` → csv, `.json` → json, anything else (`.ndjson`, `.jsonl`, globs, folders) → ndjson. */
export function formatFromPath(uri: DataUri): 'ndjson' | 'csv' | 'json' {
  if (uri.scheme !== 'file') return 'ndjson';
  if (/\.csv$/i.test(uri.path)) return 'csv';
  if (/\.json$/i.test(uri.path)) return 'json';
  return 'ndjson';
}
