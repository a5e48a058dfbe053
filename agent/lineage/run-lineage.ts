// The lineage of one run, as the slice runtime uses it: builds each event (run-events.ts) and hands it to a
// sink, keeping the OpenLineage lifecycle: exactly one START first, RUNNING only while running, then exactly
// one of COMPLETE / FAIL / ABORT. For `@stream` runs, `startHeartbeat` emits RUNNING every interval with the
// counts so far. Time and timers are injected.
import type { Clock } from '../../common/clock.ts';
import { LINEAGE_CODES, lineageError } from './errors.ts';
import type { LineageSink } from './lineage-sink.ts';
import type { RunEvent } from './openlineage-types.ts';
import { abortEvent, completeEvent, failEvent, runningEvent, startEvent } from './run-events.ts';
import type { EventInput, RunContext, RunFailure } from './run-inputs.ts';
import { realTimers, type Timers } from './timers.ts';

export type RunPhase = 'new' | 'running' | 'finished';

export interface RunLineage {
  readonly phase: RunPhase;
  start(): Promise<RunEvent>;
  running(input?: Omit<EventInput, 'error'>): Promise<RunEvent>;
  complete(input?: Omit<EventInput, 'error'>): Promise<RunEvent>;
  fail(error: RunFailure, input?: Omit<EventInput, 'error'>): Promise<RunEvent>;
  abort(reason?: RunFailure, input?: Omit<EventInput, 'error'>): Promise<RunEvent>;
  /** Emits RUNNING every `intervalMs` with `progress()` until the run finishes; returns a stop function.
   * A failed heartbeat emit goes to `onError` and the next beat still happens. */
  startHeartbeat(intervalMs: number, progress: () => Omit<EventInput, 'error'>, onError?: (e: unknown) => void): () => void;
}

export function runLineage(ctx: RunContext, clock: Clock, sink: LineageSink, timers: Timers = realTimers): RunLineage {
  let phase: RunPhase = 'new';
  let beat: unknown;
  const stopBeat = (): void => {
    if (beat !== undefined) timers.clearTimeout(beat);
    beat = undefined;
  };
  const expect = (want: RunPhase, what: string): void => {
    if (phase !== want) {
      throw lineageError(LINEAGE_CODES.RUN_STATE, `run ${ctx.runId} of ${ctx.scenario.id}: ${what} while the run is ${phase}`, { runId: ctx.runId, phase, event: what });
    }
  };
  const send = async (event: RunEvent): Promise<RunEvent> => {
    await sink.emit(event);
    return event;
  };
  const finish = async (what: string, build: () => RunEvent): Promise<RunEvent> => {
    expect('running', what);
    phase = 'finished';
    stopBeat();
    return send(build());
  };
  return {
    get phase() {
      return phase;
    },
    async start() {
      expect('new', 'START');
      phase = 'running';
      return send(startEvent(ctx, clock));
    },
    async running(input = {}) {
      expect('running', 'RUNNING');
      return send(runningEvent(ctx, clock, input));
    },
    complete: (input = {}) => finish('COMPLETE', () => completeEvent(ctx, clock, input)),
    fail: (error, input = {}) => finish('FAIL', () => failEvent(ctx, clock, { ...input, error })),
    abort: (reason, input = {}) => finish('ABORT', () => abortEvent(ctx, clock, { ...input, ...(reason === undefined ? {} : { error: reason }) })),
    startHeartbeat(intervalMs, progress, onError) {
      expect('running', 'heartbeat');
      stopBeat();
      const schedule = (): void => {
        beat = timers.setTimeout(() => {
          beat = undefined;
          if (phase !== 'running') return;
          sink.emit(runningEvent(ctx, clock, progress())).catch((e: unknown) => onError?.(e));
          schedule();
        }, intervalMs);
      };
      schedule();
      return stopBeat;
    },
  };
}
