// The agent's own files under its data root:
//   .runi/agent.json         {session, pid}: one live agent per data root; names the session a crashed agent held
//   .runi/commits/<commit>/  the files of a commit (a Git checkout per commit, made by whoever deploys commits)
//   .runi/slices/<runId>/    one folder per slice run (slot-files.ts)
// and where a commit's files come from: `.runi/commits/<commit>/` when it exists, else the --repo folder
// (a working tree, for `runi up` and tests), else AGENT_COMMIT_UNAVAILABLE.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { agentError, AGENT_CODES } from './errors.ts';
import { readJson, writeJsonAtomic } from './slot-files.ts';

const lockFile = (dataRoot: string): string => join(dataRoot, '.runi', 'agent.json');

export interface DataRootLock {
  /** The session of the agent that held this data root before us and is now dead, if any. */
  readonly previousSession?: string;
  release(): Promise<void>;
}

/** Takes the data root for this process; fails when another live agent process holds it. */
export async function lockDataRoot(dataRoot: string, session: string): Promise<DataRootLock> {
  await mkdir(join(dataRoot, '.runi'), { recursive: true });
  const previous = await readJson<{ session: string; pid: number }>(lockFile(dataRoot));
  if (previous !== undefined && previous.pid !== process.pid && (await isAgentProcess(previous.pid))) {
    throw agentError(AGENT_CODES.DATA_ROOT_LOCKED, `agent process ${previous.pid} already runs on data root ${dataRoot}`, { pid: previous.pid });
  }
  await writeJsonAtomic(lockFile(dataRoot), { session, pid: process.pid });
  return {
    ...(previous === undefined ? {} : { previousSession: previous.session }),
    release: async () => {
      const now = await readJson<{ session: string }>(lockFile(dataRoot));
      if (now?.session === session) await rm(lockFile(dataRoot), { force: true });
    },
  };
}

async function isAgentProcess(pid: number): Promise<boolean> {
  const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.split('\0'), (): string[] => []);
  return argv.includes('agent') && argv.includes('start');
}

export function commitRoot(dataRoot: string, repo: string | undefined, commit: string): string {
  const checkout = join(dataRoot, '.runi', 'commits', commit);
  if (/^[\w.:-]+$/.test(commit) && existsSync(checkout)) return checkout;
  if (repo !== undefined) return repo;
  throw agentError(AGENT_CODES.COMMIT_UNAVAILABLE, `no files for commit ${commit}: no checkout at ${checkout} and no --repo`, { commit });
}

export interface JournalEntry {
  readonly runId: string;
  readonly scenario: string;
}

/**
 * Runs this data root has started and not yet reported as finished: `.runi/runs/<runId>.json`. Written right
 * after the fenced run record is created, removed after the final run record is stored. After a crash, an
 * entry the launcher's sweep could not report (its slice is gone without a trace) marks a run the agent must
 * close in Barn itself.
 */
export function runJournal(dataRoot: string): { add(e: JournalEntry): Promise<void>; remove(runId: string): Promise<void>; list(): Promise<JournalEntry[]> } {
  const dir = join(dataRoot, '.runi', 'runs');
  return {
    add: async (e) => {
      await mkdir(dir, { recursive: true });
      await writeJsonAtomic(join(dir, `${e.runId}.json`), e);
    },
    remove: (runId) => rm(join(dir, `${runId}.json`), { force: true }),
    list: async () => {
      const names = await readdir(dir).catch((): string[] => []);
      const entries = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readJson<JournalEntry>(join(dir, n))));
      return entries.filter((e): e is JournalEntry => e !== undefined);
    },
  };
}
