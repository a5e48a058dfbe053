// SliceLauncher over agent/confine (launchSlice / sweepSlices): each slice in its own cgroup, namespaces and
// unprivileged uid, with the commit read-only and only its sinks writable, at the herd's isolation level
// (`required` impossible here → the run FAILs with CONFINE_ISOLATION_UNAVAILABLE and nothing ran; `best-effort`
// runs with what the host offers and the warning goes to the agent log). The default of `runi agent start`.
//
// Differences from process-launcher.ts, by confine's design:
// - the parent keeps the lineage lifecycle: events arrive through onEvent and are held in memory for lineage();
// - a slice is tied to its launcher process (pipes, bwrap --die-with-parent), so after an agent crash there is
//   nothing to adopt: sweep() runs confine's sweepSlices (kills and removes leftover cgroups and scratch dirs)
//   and reports nothing of them; the daemon closes those runs in Barn from its run journal (local-state.ts).
//   sweep() also runs the process launcher's sweep, so slices a previous agent started with
//   `--launcher process` on this data root are stopped and reported too (nothing runs twice after a switch).
// - `stdin:` of a @stream is fed exactly as the process launcher does it: a FIFO `stdin` in the slot folder
//   (`<data-root>/.runi/slices/<runId>/`), opened read-write here and handed to the sandbox as fd 0 (confine
//   passes it through bwrap), so the slice holds a writer itself and its input never ends while no relay
//   writes; an event relay opens the FIFO for writing. Such launches always start cold (confine's contract).
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { launchSlice, prewarmRuntimeCache, sweepSlices } from '../confine/launch.ts';
import type { SliceOutcome } from '../confine/types.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { agentError, AGENT_CODES } from './errors.ts';
import { processLauncher } from './process-launcher.ts';
import type { LaunchRequest, SliceExit, SliceLauncher } from './slice-launcher.ts';
import { slotDir, SLOT_FILES } from './slot-files.ts';

export interface ConfinedLauncherOptions {
  /** The agent's data root (slot folders live under `.runi/slices/`). */
  readonly dataRoot: string;
  /** Confinement warnings (best-effort: what is missing), one line each. */
  readonly log?: (line: string) => void;
}

export function confinedLauncher(o: ConfinedLauncherOptions): SliceLauncher {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  return {
    async launch(req) {
      if (req.herd === undefined) throw agentError(AGENT_CODES.LAUNCH_FAILED, `no herd spec for ${req.scenario.herd} in the stored pipeline: the confined launcher needs it`);
      await prewarmRuntimeCache();
      await mkdir(req.dataRoot, { recursive: true });
      const stdin = streamsStdin(req) ? await openFifo(slotDir(o.dataRoot, req.runId)) : undefined;
      const events: RunEvent[] = [];
      try {
        const handle = launchSlice({
          runId: req.runId,
          repoRoot: req.repoRoot,
          commit: req.commit,
          project: req.project,
          spec: req.scenario,
          contracts: req.contracts,
          herd: req.herd,
          dataRoot: req.dataRoot,
          stdio: 'ignore',
          ...(stdin === undefined ? {} : { stdin }),
          runningIntervalMs: req.runningEveryMs,
          onEvent: (ev) => {
            events.push(ev);
          },
          onWarning: (message) => log(`confinement: ${message}`),
        });
        return {
          runId: req.runId,
          pid: handle.pid ?? -1,
          exited: handle.result.then(sliceExitOf),
          stop: (graceMs) => void handle.stop(graceMs),
          lineage: async (from) => events.slice(from),
        };
      } finally {
        // launchSlice duplicated it into the sandbox (or nothing started): ours is no longer needed
        if (stdin !== undefined) closeSync(stdin);
      }
    },
    async sweep(graceMs) {
      const { removed } = await sweepSlices();
      for (const r of removed) log(`swept leftover ${r}`);
      // slices of a previous `--launcher process` agent on this data root; also drops our own slot folders
      // (they hold no request.json)
      return processLauncher(o.dataRoot).sweep(graceMs);
    },
    release: async (runId) => rm(slotDir(o.dataRoot, runId), { recursive: true, force: true }),
  };
}

function streamsStdin(req: LaunchRequest): boolean {
  return req.scenario.trigger.kind === 'stream' && req.scenario.sources.some((s) => s.uri.startsWith('stdin:'));
}

/** Creates `<slot>/stdin` as a FIFO and opens it read-write (never blocks, and the holder is also a writer). */
async function openFifo(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, SLOT_FILES.stdin);
  execFileSync('mkfifo', ['-m', '0600', path]);
  return openSync(path, constants.O_RDWR);
}

/** confine's outcome as the daemon's SliceExit: the slice's own SLICE_ error, else `CONFINE_<reason>` (a stop is
 * no error). Pure. */
export function sliceExitOf(o: SliceOutcome): SliceExit {
  const error = o.error ?? (o.reason === undefined || o.reason === 'STOPPED' ? undefined : { code: `CONFINE_${o.reason}`, message: o.message ?? o.reason });
  const stats = o.result?.stats ?? o.stats;
  return { status: o.status, ...(error === undefined ? {} : { error }), ...(stats === undefined ? {} : { stats: stats as unknown as Record<string, unknown> }), exitCode: null, signal: null };
}
