// Barn's HTTP API (DESIGN §3), built apart from `listen` so tests drive it with `inject`. Every node serves the
// same API; writes go through the node's BarnService (on a follower, Raft forwards the proposal to the leader).
// Errors are `{ code, message, …data }` with the status from status-codes.ts.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { isRuninkError } from '../../common/error.ts';
import type { BarnService } from '../node/service.ts';
import { get, range } from '../state/read.ts';
import type { ApplyResult } from '../state/apply.ts';
import type { Command, Compare, Op } from '../state/commands.ts';
import { bearer, tokenMatches } from './auth.ts';
import { statusFor } from './status-codes.ts';
import { streamWatch } from './watch-stream.ts';

export interface AppOptions {
  readonly service: BarnService;
  /** Token clients present. */
  readonly token: string;
  /** Token peers present on /raft/… (the cluster token); defaults to `token`. */
  readonly clusterToken?: string;
  /** Largest request body (bytes); larger bodies get 413. */
  readonly maxBodyBytes?: number;
  /** Prometheus text exposition for GET /metrics. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Peer routes (raft transport), registered by the node. */
  readonly peerRoutes?: (app: FastifyInstance) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 1536 * 1024;

export function buildApp(options: AppOptions): FastifyInstance {
  const { service } = options;
  // forceCloseConnections: closing the node ends open watch streams (SSE responses never finish by themselves);
  // their clients see the stream end and re-watch from their last revision on another node.
  const app = Fastify({ bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, logger: false, return503OnClosing: true, forceCloseConnections: true });
  const fail = (reply: FastifyReply, code: string, message: string, data: Record<string, unknown> = {}): FastifyReply =>
    reply.code(statusFor(code)).send({ code, message, ...data });

  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/healthz') return;
    const expected = req.url.startsWith('/raft/') ? (options.clusterToken ?? options.token) : options.token;
    if (!tokenMatches(bearer(req.headers.authorization), expected)) {
      return fail(reply, 'BARN_UNAUTHORIZED', 'missing or wrong bearer token (send Authorization: Bearer <token>)');
    }
  });

  app.setErrorHandler((error, _req, reply) => {
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return fail(reply, 'BARN_BODY_TOO_LARGE', `request body is larger than ${options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes`);
    if (isRuninkError(error)) return fail(reply, error.code, error.message, { ...error.data });
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return fail(reply, 'BARN_BAD_REQUEST', e.message);
    return fail(reply, 'BARN_INTERNAL', e.message);
  });
  app.setNotFoundHandler((req, reply) => fail(reply, 'BARN_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));

  const answer = (reply: FastifyReply, result: ApplyResult, ok: (r: Extract<ApplyResult, { ok: true }>) => unknown): FastifyReply => {
    if (!result.ok) return fail(reply, result.code, result.message, { ...(result.current !== undefined ? { current: result.current } : {}), revision: result.revision });
    return reply.send(ok(result));
  };
  const keyOf = (params: unknown): string => (params as { '*': string })['*'];
  const stale = (query: unknown): boolean => (query as { stale?: string }).stale === 'true';

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/v1/status', async () => service.status());

  app.get('/v1/kv/*', async (req, reply) => {
    const key = keyOf(req.params);
    const r = await service.read((reader) => get(reader, key), { stale: stale(req.query) });
    if (r.record === undefined) return fail(reply, 'BARN_KEY_NOT_FOUND', `no key ${key}`, { revision: r.revision });
    return { ...r.record, revision: r.revision };
  });

  app.get('/v1/kv', async (req, reply) => {
    const q = req.query as { prefix?: string; start?: string; end?: string; limit?: string };
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) return fail(reply, 'BARN_INVALID_RANGE', '`limit` must be a non-negative integer');
    const query = { ...(q.prefix !== undefined ? { prefix: q.prefix } : q.start === undefined ? { prefix: '' } : {}), ...(q.start !== undefined ? { start: q.start } : {}), ...(q.end !== undefined ? { end: q.end } : {}), ...(limit !== undefined ? { limit } : {}) };
    const r = await service.read((reader) => range(reader, query), { stale: stale(req.query) });
    if (!r.ok) return fail(reply, r.code, r.message);
    return r;
  });

  app.put('/v1/kv/*', async (req, reply) => {
    const body = req.body as { value?: unknown; ifRevision?: unknown } | undefined;
    if (body === undefined || body === null || typeof body !== 'object' || !('value' in body)) {
      return fail(reply, 'BARN_BAD_REQUEST', 'body must be JSON {"value": any, "ifRevision"?: number}');
    }
    if (body.ifRevision !== undefined && (!Number.isInteger(body.ifRevision) || (body.ifRevision as number) < 0)) {
      return fail(reply, 'BARN_BAD_REQUEST', '`ifRevision` must be a non-negative integer (0 = the key must not exist)');
    }
    const command: Command = { type: 'put', key: keyOf(req.params), value: body.value, ...(body.ifRevision !== undefined ? { ifRevision: body.ifRevision as number } : {}) };
    return answer(reply, await service.write(command), (r) => {
      const put = r.results[0];
      return put?.type === 'put' ? { ...put.record, revision: r.revision } : { revision: r.revision };
    });
  });

  app.delete('/v1/kv/*', async (req, reply) => {
    const q = req.query as { ifRevision?: string };
    const ifRevision = q.ifRevision === undefined ? undefined : Number(q.ifRevision);
    if (ifRevision !== undefined && (!Number.isInteger(ifRevision) || ifRevision < 0)) return fail(reply, 'BARN_BAD_REQUEST', '`ifRevision` must be a non-negative integer');
    const command: Command = { type: 'delete', key: keyOf(req.params), ...(ifRevision !== undefined ? { ifRevision } : {}) };
    return answer(reply, await service.write(command), (r) => {
      const del = r.results[0];
      return { revision: r.revision, deleted: del !== undefined && del.type !== 'put' ? del.deleted.length : 0 };
    });
  });

  app.post('/v1/txn', async (req, reply) => {
    const body = req.body as { compare?: Compare[]; success?: Op[]; failure?: Op[] } | undefined;
    if (body === undefined || body === null || typeof body !== 'object') return fail(reply, 'BARN_BAD_REQUEST', 'body must be JSON {"compare": [...], "success": [...], "failure": [...]}');
    const command: Command = { type: 'txn', compare: body.compare ?? [], success: body.success ?? [], failure: body.failure ?? [] };
    return answer(reply, await service.write(command), (r) => ({ succeeded: r.succeeded ?? true, revision: r.revision, results: r.results, ...(r.failedCompare ? { failedCompare: r.failedCompare } : {}) }));
  });

  app.get('/v1/watch', async (req, reply) => {
    const q = req.query as { prefix?: string; fromRevision?: string };
    const from = q.fromRevision === undefined ? undefined : Number(q.fromRevision);
    if (from !== undefined && (!Number.isInteger(from) || from < 0)) return fail(reply, 'BARN_BAD_REQUEST', '`fromRevision` must be a non-negative integer');
    reply.hijack();
    const started = streamWatch(service, reply.raw, q.prefix ?? '', from);
    if (!started.ok) {
      reply.raw.writeHead(statusFor(started.code), { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify(started));
    }
  });

  app.get('/v1/members', async () => ({ members: service.members() }));
  app.post('/v1/members', async (req, reply) => {
    const body = req.body as { id?: unknown; url?: unknown; role?: unknown } | undefined;
    if (typeof body?.id !== 'string' || typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) {
      return fail(reply, 'BARN_BAD_REQUEST', 'body must be JSON {"id": "n4", "url": "http://host:port", "role"?: "voter"|"learner"}');
    }
    const role = body.role === 'learner' ? 'learner' : 'voter';
    return { members: await service.addMember({ id: body.id, url: body.url, role }) };
  });
  app.delete('/v1/members/:id', async (req) => ({ members: await service.removeMember((req.params as { id: string }).id) }));

  app.get('/metrics', async (_req, reply) => {
    if (options.metrics === undefined) return reply.type('text/plain').send('');
    const m = await options.metrics();
    return reply.type(m.contentType).send(m.body);
  });

  options.peerRoutes?.(app);
  return app;
}
