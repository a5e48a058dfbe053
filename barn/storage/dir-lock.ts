// One live owner per data dir. LMDB itself is multi-process safe, but the store keeps caches (log bounds, term
// runs, hard state) that are only correct while it is the sole writer, and two Barn nodes sharing a dir would
// corrupt each other's Raft log. The lock is a file holding the owner's pid: a lock whose pid is dead (the
// owner was killed) is taken over, so a crash never needs manual cleanup. Best effort against operator
// mistakes (two processes starting at the same instant over a stale lock can both win), not a consensus
// mechanism.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STORAGE_ERRORS, storageError } from './errors.ts';

export const LOCK_FILE = 'barn.lock';

const heldInProcess = new Set<string>();

export interface DirLock {
  release(): void;
}

export function acquireDirLock(dir: string): DirLock {
  const abs = resolve(dir);
  if (heldInProcess.has(abs)) {
    throw locked(abs, process.pid);
  }
  const file = join(abs, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file)) {
      heldInProcess.add(abs);
      return { release: () => release(abs, file) };
    }
    const owner = readOwner(file);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw locked(abs, owner);
    // Stale (dead owner, unreadable, or a leftover of this pid): remove and retry once.
    try {
      unlinkSync(file);
    } catch {
      // another process removed it first; the retry decides
    }
  }
  throw locked(abs, readOwner(file));
}

function release(abs: string, file: string): void {
  if (!heldInProcess.delete(abs)) return;
  try {
    if (readOwner(file) === process.pid) unlinkSync(file);
  } catch {
    // already gone
  }
}

function tryCreate(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function locked(dir: string, pid: number | undefined): Error {
  return storageError(
    STORAGE_ERRORS.LOCKED,
    `data dir ${dir} is in use by process ${pid ?? '?'}; stop that process first (or remove ${LOCK_FILE} if it is not running)`,
    { dir, pid },
  );
}
