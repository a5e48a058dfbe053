// Entry of one slice process started by process-launcher.ts: `node --import tsx slice-main.ts <slot dir>`.
// Reads request.json, runs the scenario with the slice runtime, appends its OpenLineage events to
// lineage.ndjson (START, RUNNING every runningEveryMs for @stream, then COMPLETE / FAIL / ABORT) and writes
// result.json atomically before exiting 0. SIGTERM stops the run (ABORT; a stream commits what it processed).
// Any exit without result.json is reported by the launcher as a crash.
import { join } from 'node:path';
import { systemClock } from '../../common/clock.ts';
import { fileSink } from '../lineage/file-sink.ts';
import { eventInput } from '../confine/lineage-input.ts';
import { runLineage } from '../lineage/run-lineage.ts';
import { runScenario } from '../slice/run-scenario.ts';
import type { RunStats } from '../slice/types.ts';
import type { LaunchRequest } from './slice-launcher.ts';
import { readJson, SLOT_FILES, writeJsonAtomic } from './slot-files.ts';

async function main(dir: string): Promise<void> {
  const req = await readJson<LaunchRequest>(join(dir, SLOT_FILES.request));
  if (req === undefined) throw new Error(`no ${SLOT_FILES.request} in ${dir}`);
  const spec = req.scenario;
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort('stopped by the agent'));
  process.once('SIGINT', () => controller.abort('interrupted'));
  const sink = await fileSink(join(dir, SLOT_FILES.lineage));
  const lineage = runLineage({ scenario: spec, contracts: req.contracts, project: req.project, runId: req.runId, code: { repoUrl: req.repoUrl, commit: req.commit } }, systemClock, sink);
  await lineage.start();
  let progress: RunStats | undefined;
  const stopBeat = spec.trigger.kind === 'stream'
    ? lineage.startHeartbeat(req.runningEveryMs, () => eventInput(spec, progress))
    : undefined;
  const result = await runScenario(spec, {
    repoRoot: req.repoRoot,
    dataRoot: req.dataRoot,
    contracts: req.contracts,
    signal: controller.signal,
    progressIntervalMs: Math.min(1000, req.runningEveryMs),
    onProgress: (s) => {
      progress = s;
    },
  });
  stopBeat?.();
  const input = eventInput(spec, result.stats, result.quality);
  switch (result.status) {
    case 'COMPLETE':
      await lineage.complete(input);
      break;
    case 'FAIL':
      await lineage.fail({ message: `${result.error?.code ?? 'SLICE_FAILED'}: ${result.error?.message ?? 'the run failed'}` }, input);
      break;
    case 'ABORT':
      await lineage.abort({ message: result.error?.message ?? 'the run was stopped' }, input);
      break;
  }
  await sink.close();
  await writeJsonAtomic(join(dir, SLOT_FILES.result), { status: result.status, ...(result.error ? { error: result.error } : {}), stats: result.stats });
}

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: slice-main.ts <slot dir>\n');
  process.exit(2);
}
main(dir).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`slice failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
