// Prometheus metrics of one agent (a registry per agent, so tests may run several in one process) and the
// small HTTP server for `GET /metrics` and `GET /healthz` (200 while the lease is held, else 503).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly slicesRunning = new Gauge({ name: 'runink_agent_slices_running', help: 'Slices running on this agent', registers: [this.registry] });
  readonly starts = new Counter({ name: 'runink_agent_slice_starts_total', help: 'Slice processes started', registers: [this.registry] });
  readonly failures = new Counter({ name: 'runink_agent_slice_failures_total', help: 'Slice runs that failed (or streams that ended by themselves)', labelNames: ['code'] as const, registers: [this.registry] });
  readonly restarts = new Counter({ name: 'runink_agent_slice_restarts_total', help: 'Starts of a placement after an earlier run of it (retries and spec changes)', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly fenceRefusals = new Counter({ name: 'runink_agent_fence_refusals_total', help: 'Runs not started because the placement fence was stale', registers: [this.registry] });
  readonly convergeSeconds = new Histogram({ name: 'runink_agent_convergence_seconds', help: 'From a placement change seen to the actions it caused being issued', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] });
  readonly barnErrors = new Counter({ name: 'runink_agent_barn_errors_total', help: 'Failed Barn requests by operation', labelNames: ['op'] as const, registers: [this.registry] });
  readonly leaseRenewals = new Counter({ name: 'runink_agent_lease_renewals_total', help: 'Lease renewals by result', labelNames: ['result'] as const, registers: [this.registry] });
  readonly lineageEvents = new Counter({ name: 'runink_agent_lineage_events_total', help: 'OpenLineage events stored in Barn', registers: [this.registry] });
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetrics(listen: string, metrics: AgentMetrics, health: () => { ok: boolean; detail: Record<string, unknown> }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      const h = health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: h.ok, ...h.detail }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'AGENT_NOT_FOUND', message: `no route ${req.method} ${path}` }));
    }
  });
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i) || '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(listen.slice(i + 1)), host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
