// The files of one slice on the agent's disk: `<data-root>/.runi/slices/<runId>/`
//   request.json    the LaunchRequest (written before the process starts)
//   lineage.ndjson  the run's OpenLineage events, appended by the slice in order
//   result.json     the RunResult summary, written atomically (tmp + rename) just before the slice exits
//   stdin           a FIFO: the `stdin:` source of a @stream slice (an event relay writes into it)
//   slice.log       the slice process's stdout and stderr
// The slice process's command line names its slot folder, which is how a sweep finds leftovers in /proc.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../lineage/openlineage-types.ts';

export const slicesDir = (dataRoot: string): string => join(dataRoot, '.runi', 'slices');
export const slotDir = (dataRoot: string, runId: string): string => join(slicesDir(dataRoot), runId);

export const SLOT_FILES = {
  request: 'request.json',
  lineage: 'lineage.ndjson',
  result: 'result.json',
  stdin: 'stdin',
  log: 'slice.log',
} as const;

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`);
  await rename(tmp, path);
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Complete lines of the lineage file from index `from` (a torn last line is left for the next read). */
export async function readLineage(path: string, from: number): Promise<RunEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text.slice(0, end).split('\n').slice(from).map((line) => JSON.parse(line) as RunEvent);
}
