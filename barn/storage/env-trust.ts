// Whether the LMDB env of a data dir can be trusted at open, or must be rebuilt from the write-ahead log.
//
// The env is written without flushing (MDB_NOSYNC): the WAL is what is durable. Within one boot of the machine
// that is safe — after a process crash (kill -9) the kernel's page cache still has every write the env made, in
// order, so the env is exactly as the last committed transaction left it. After the machine went down (power
// loss, kernel panic) pages of the env may have reached the disk in any order, so it may be torn.
//
// `env-state.json` records which boot last opened the env for writing, and whether it was closed cleanly (the
// env fully flushed, then the file rewritten). It is made durable BEFORE the first env write of a boot. The env
// is trusted when it was last written in this boot, or closed cleanly since; otherwise it is rebuilt.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './fs-sync.ts';
import { syncEnv, type StoreDbs } from './lmdb-env.ts';

export const ENV_STATE_FILE = 'env-state.json';

export interface EnvState {
  /** /proc/sys/kernel/random/boot_id of the boot that last opened the env for writing. */
  readonly bootId: string;
  /** The env was flushed and closed after its last write. */
  readonly clean: boolean;
}

/** This boot's id. Where the kernel does not tell, an id of this process: then only a clean close makes the
 * env trusted (after a crash it is rebuilt, slower but never wrong). */
export function currentBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `process-${process.pid}-${Date.now()}`;
  }
}

export function readEnvState(dir: string): EnvState | undefined {
  const path = join(dir, ENV_STATE_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<EnvState>;
    if (typeof parsed.bootId === 'string' && typeof parsed.clean === 'boolean') return { bootId: parsed.bootId, clean: parsed.clean };
  } catch {
    // a torn state file: treat as unknown (the env is rebuilt)
  }
  return undefined;
}

/** Durable on return (unless noSync): written to a temporary file, flushed, renamed, dir flushed. */
export function writeEnvState(dir: string, state: EnvState, noSync: boolean): void {
  const path = join(dir, ENV_STATE_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state)}\n`);
    if (!noSync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (!noSync) fsyncDir(dir);
}

/** The env written in `state` may be used as it is in boot `bootId`. */
export function envTrusted(state: EnvState | undefined, bootId: string): boolean {
  return state !== undefined && (state.clean || state.bootId === bootId);
}

/** A clean close: the env flushed, then the state file says so (the env is then trusted after a machine restart
 * too). Best effort: without the mark the env is still trusted in this boot, and rebuilt after a machine restart. */
export async function markEnvClean(root: StoreDbs['root'], dir: string, bootId: string, noSync: boolean): Promise<void> {
  try {
    await syncEnv(root, noSync);
    writeEnvState(dir, { bootId, clean: true }, noSync);
  } catch {
    // the dir may be gone (a test removing it) or the disk failing: the next open decides from the boot id
  }
}
