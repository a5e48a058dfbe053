// How a slice ended, from what the launcher observed. Pure. Precedence: a result the child reported wins (it
// finished its own bookkeeping); without one, our stop → ABORT STOPPED; an OOM kill in the cgroup → FAIL OOM;
// the wrapper could not join the cgroup → SPAWN_FAILED; a signal (bwrap reports it as 128+n) → SIGNAL;
// a nonzero exit → EXIT_CODE; a clean exit without a result → PROTOCOL.
import type { RunResult, RunStatus } from '../slice/types.ts';
import type { Exit } from './runtime.ts';
import { JOIN_EXIT_CODE } from './sandbox-argv.ts';
import type { CgroupCounters, SandboxMode, SliceReason } from './types.ts';

export interface Verdict {
  readonly status: RunStatus;
  readonly reason?: SliceReason;
  readonly message?: string;
}

export interface Observed {
  readonly result?: RunResult;
  readonly exit: Exit;
  readonly counters?: CgroupCounters;
  readonly stopped?: string;
  readonly protocolError?: string;
  readonly mode: SandboxMode;
  readonly memoryMax?: number;
}

export function classify(o: Observed): Verdict {
  if (o.result !== undefined) {
    switch (o.result.status) {
      case 'COMPLETE':
        return { status: 'COMPLETE' };
      case 'FAIL':
        return { status: 'FAIL', reason: 'SLICE_FAILED', message: `${o.result.error?.code ?? 'SLICE_FAILED'}: ${o.result.error?.message ?? 'the run failed'}` };
      case 'ABORT':
        return { status: 'ABORT', reason: 'STOPPED', message: o.result.error?.message ?? `stopped: ${o.stopped ?? 'aborted'}` };
    }
  }
  if (o.stopped !== undefined) return { status: 'ABORT', reason: 'STOPPED', message: `stopped: ${o.stopped}` };
  if ((o.counters?.oomKills ?? 0) > 0) {
    const limit = o.memoryMax === undefined ? '' : ` (memory limit ${Math.round(o.memoryMax / 1048576)} MiB)`;
    return { status: 'FAIL', reason: 'OOM', message: `the slice was killed by its cgroup's OOM killer${limit}` };
  }
  if (o.exit.spawnError !== undefined) return { status: 'FAIL', reason: 'SPAWN_FAILED', message: `cannot start the sandbox: ${o.exit.spawnError}` };
  if (o.exit.code === JOIN_EXIT_CODE) return { status: 'FAIL', reason: 'SPAWN_FAILED', message: 'the sandbox could not join its cgroup' };
  const signal = o.exit.signal ?? (o.mode === 'bwrap' && o.exit.code !== null && o.exit.code > 128 ? `signal ${o.exit.code - 128}` : undefined);
  if (signal !== undefined) return { status: 'FAIL', reason: 'SIGNAL', message: `the slice was killed by ${signal}` };
  if (o.exit.code !== 0) return { status: 'FAIL', reason: 'EXIT_CODE', message: `the slice exited with code ${o.exit.code} without a result` };
  return { status: 'FAIL', reason: 'PROTOCOL', message: o.protocolError !== undefined ? `unexpected output on the control pipe: ${o.protocolError}` : 'the slice exited without a result' };
}
