// Assembles a running Barn node: the BarnNode (Raft + LMDB + watches), the HTTP API with the peer route, and
// the listening socket. `runi barn start` and `runi up` call startBarn; tests start several in one process.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.ts';
import { decodeBinaryBatch } from '../transport/binary-codec.ts';
import { decodeBatch, decodeSnapshotMessage } from '../transport/codec.ts';
import { acceptPeerStreams } from '../transport/peer-stream.ts';
import { BarnNode, type BarnNodeOptions } from './barn-node.ts';

export interface ServeOptions extends BarnNodeOptions {
  /** host:port to listen on. */
  readonly listen: string;
  /** Token clients present (peers present the cluster token). */
  readonly token: string;
}

export interface RunningBarn {
  readonly node: BarnNode;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/** Peer batches may carry snapshots: a larger body limit than the client API. */
const PEER_BODY_LIMIT = 512 * 1024 * 1024;

export async function startBarn(options: ServeOptions): Promise<RunningBarn> {
  const node = new BarnNode(options);
  const app = buildApp({
    service: node,
    token: options.token,
    clusterToken: options.clusterToken,
    metrics: () => node.metrics.expose(),
    peerRoutes: (a) => {
      a.post('/raft/messages', { bodyLimit: PEER_BODY_LIMIT }, async (req, reply) => {
        const batch = decodeBatch(req.body);
        node.receive(batch.clusterId, batch.messages);
        return reply.code(204).send();
      });
      a.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: PEER_BODY_LIMIT }, (_req, body, done) => done(null, body));
      a.post('/raft/snapshot', { bodyLimit: PEER_BODY_LIMIT }, async (req, reply) => {
        const header = req.headers['x-raft-snapshot'];
        const body = req.body as Buffer;
        const { clusterId, message } = decodeSnapshotMessage(typeof header === 'string' ? header : undefined, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
        node.receive(clusterId, [message]);
        return reply.code(204).send();
      });
    },
  });
  // Peer streams (the normal path of Raft messages; /raft/messages stays for peers that post batches).
  const closeStreams = acceptPeerStreams(app.server, {
    clusterToken: options.clusterToken,
    onFrame: (frame) => {
      const batch = decodeBinaryBatch(frame);
      node.receive(batch.clusterId, batch.messages);
    },
  });
  const [host, port] = splitListen(options.listen);
  try {
    await app.listen({ host, port });
  } catch (e) {
    closeStreams();
    await node.stop();
    throw e;
  }
  node.start();
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    node,
    app,
    url: `http://${host}:${actualPort}`,
    close: async () => {
      closeStreams();
      await app.close();
      await node.stop();
    },
  };
}

function splitListen(listen: string): [string, number] {
  const i = listen.lastIndexOf(':');
  return [listen.slice(0, i) || '127.0.0.1', Number(listen.slice(i + 1))];
}
