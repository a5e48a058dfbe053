// A RepoReader over an in-memory map of path → text: for datadriven tests and simulations. Oids are real Git
// blob ids of the content, and folder ids derive from their children, exactly as for a working tree.
import { gitObjectId } from './git-blob-id.ts';
import type { RepoEntry, RepoReader } from './repo-reader.ts';

export function memoryReader(files: Readonly<Record<string, string | Uint8Array>>, id = 'memory'): RepoReader {
  const bytes = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(files)) bytes.set(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);

  const list = (dir: string): RepoEntry[] => {
    const prefix = dir === '' ? '' : `${dir}/`;
    const seen = new Map<string, RepoEntry>();
    for (const [path, content] of bytes) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (seen.has(name)) continue;
      seen.set(name, slash < 0
        ? { name, path: `${prefix}${name}`, oid: gitObjectId('blob', content), kind: 'file' }
        : { name, path: `${prefix}${name}`, oid: '', kind: 'tree' });
    }
    return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  };

  const treeOid = (dir: string): string | undefined => {
    const entries = list(dir);
    if (entries.length === 0) return undefined;
    const parts = entries.map((e) => `${e.kind} ${e.kind === 'tree' ? treeOid(e.path) : e.oid} ${e.name}`);
    return gitObjectId('tree', new TextEncoder().encode(parts.join('\n')));
  };

  return {
    id,
    treeOid: async (dir) => treeOid(dir),
    list: async (dir) => list(dir),
    read: async (entry) => bytes.get(entry.path) ?? new Uint8Array(),
  };
}
