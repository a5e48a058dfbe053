// One writer per spool: `<spool>.lock` holds the owner's pid. A lock whose process is gone (a crash) is taken
// over; a live owner, in this process or another, makes opening fail with LINEAGE_SPOOL_LOCKED, since two
// writers would interleave and ack each other's sequence numbers.
import { open, readFile, unlink, writeFile } from 'node:fs/promises';
import { LINEAGE_CODES, lineageError } from './errors.ts';

const heldHere = new Set<string>();

export async function lockSpool(spoolPath: string): Promise<() => Promise<void>> {
  const lockPath = `${spoolPath}.lock`;
  if (heldHere.has(lockPath)) throw locked(spoolPath, process.pid);
  try {
    const fh = await open(lockPath, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) throw locked(spoolPath, owner);
    await writeFile(lockPath, String(process.pid));
  }
  heldHere.add(lockPath);
  return async () => {
    heldHere.delete(lockPath);
    await unlink(lockPath).catch(() => undefined);
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function locked(path: string, pid: number) {
  return lineageError(LINEAGE_CODES.SPOOL_LOCKED, `lineage spool ${path} is in use by process ${pid}; give each emitter its own spool name`, { path, pid });
}
