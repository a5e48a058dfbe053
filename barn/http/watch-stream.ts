// GET /v1/watch as server-sent events. Each message carries the events of one applied batch:
//   id: <last revision in the batch>
//   event: events
//   data: {"events":[{type, revision, record}…]}
// A watch that ends (compaction, overflow) sends `event: error` with {code, message, lastRevision} and closes;
// the client re-watches from lastRevision + 1. Backpressure: when the socket buffer is full the watch pauses
// (send returns false) and resumes on 'drain'; a watcher that falls too far behind is closed by the hub.
import type { ServerResponse } from 'node:http';
import type { KvEvent } from '../state/backend.ts';
import type { BarnService } from '../node/service.ts';

export function streamWatch(service: BarnService, res: ServerResponse, prefix: string, fromRevision: number | undefined): { ok: true } | { ok: false; code: string; message: string; compactedRevision?: number } {
  const pending: string[] = [];
  let started = false;
  const write = (chunk: string): boolean => {
    if (!started) {
      pending.push(chunk);
      return true;
    }
    return res.write(chunk);
  };
  const send = (events: readonly KvEvent[]): boolean => {
    const last = events[events.length - 1]?.revision ?? 0;
    return write(`id: ${last}\nevent: events\ndata: ${JSON.stringify({ events })}\n\n`);
  };
  const start = service.watch(prefix, fromRevision, send, (reason) => {
    write(`event: error\ndata: ${JSON.stringify(reason)}\n\n`);
    res.end();
  });
  if (!start.ok) return { ok: false, code: start.code, message: start.message, ...(start.compactedRevision === undefined ? {} : { compactedRevision: start.compactedRevision }) };
  const handle = start.handle;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': watching\n\n');
  started = true;
  for (const chunk of pending.splice(0)) res.write(chunk);
  res.on('drain', () => handle.resume());
  res.on('close', () => handle.cancel());
  return { ok: true };
}
