// sweepSlices: removes what crashed launchers left behind (call it at agent start). A runink cgroup or scratch
// dir is a leftover when its owner (`<scratchRoot>/<id>/owner.json`: launcher pid + start time) is no longer
// running, or when it has no scratch dir at all and no process inside (launchers create the scratch dir before
// the cgroup and remove it after, so such a cgroup is orphaned; one with processes may belong to a launcher
// using another scratch root and is left alone). `all: true` removes everything, live runs included.
// Every process inside a removed cgroup is SIGKILLed first. Idempotent.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCgroups, openCgroup } from './cgroup.ts';
import { probeHost } from './host.ts';
import { ownerAlive, removeScratch, scratchRoot, type Owner } from './prepare.ts';

export interface SweepOptions {
  /** Remove live runs too (default false: only those whose launcher is gone). */
  readonly all?: boolean;
}

export async function sweepSlices(opts: SweepOptions = {}): Promise<{ removed: string[] }> {
  const root = scratchRoot();
  const removed: string[] = [];
  const leftover = (id: string): boolean => {
    if (opts.all === true) return true;
    const owner = readOwner(join(root, id));
    return owner === undefined || !ownerAlive(owner);
  };
  const host = probeHost().cgroup;
  if (host !== undefined) {
    for (const name of listCgroups(host)) {
      if (!leftover(name)) continue;
      const cg = openCgroup(host, name);
      // no owner file and processes inside: maybe a live launcher with another scratch root (the pids and cpu
      // hierarchies are shared machine-wide) — never kill what we cannot prove is orphaned
      if (opts.all !== true && readOwner(join(root, name)) === undefined && cg.pids().length > 0) continue;
      await cg.remove();
      removed.push(`cgroup runink/${name}`);
    }
  }
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    // no scratch root yet
  }
  for (const id of entries.sort()) {
    // a dot dir is being created (owner.json not written yet) unless its owner is known and gone
    const staging = id.startsWith('.');
    if (staging && opts.all !== true && !deadOwner(join(root, id))) continue;
    if (!staging && !leftover(id)) continue;
    removeScratch(join(root, id));
    removed.push(`scratch ${join(root, id)}`);
  }
  return { removed };
}

function deadOwner(dir: string): boolean {
  const owner = readOwner(dir);
  return owner !== undefined && !ownerAlive(owner);
}

function readOwner(dir: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.start === 'string' ? { pid: o.pid, start: o.start } : undefined;
  } catch {
    return undefined;
  }
}
