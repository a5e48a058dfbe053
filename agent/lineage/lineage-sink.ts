// Where lineage events go: a file (file-sink.ts), an OpenLineage HTTP endpoint (emitter.ts), or several.
import type { RunEvent } from './openlineage-types.ts';

export interface LineageSink {
  /** Resolves once the event is durably recorded (written to the file, or spooled for the endpoint). */
  emit(event: RunEvent): Promise<void>;
  close(): Promise<void>;
}

/** One sink that emits to each of `sinks`, in order. */
export function fanOut(sinks: readonly LineageSink[]): LineageSink {
  return {
    async emit(event) {
      for (const s of sinks) await s.emit(event);
    },
    async close() {
      for (const s of sinks) await s.close();
    },
  };
}
