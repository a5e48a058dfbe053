// Starts etcd 3.4 (Debian's etcd-server, /usr/bin/etcd) with 1 or 3 members on loopback, fresh data dirs,
// default durability (WAL fsync on every batch), and Barn's snapshot interval: `--snapshot-count` is set to
// Barn's default (etcd 3.4's own is 100,000), so that both take snapshots at the same cadence and a measured
// window holds one for both or for neither (docs/performance.md, stop 14). Ready when every member's /health says true (a leader is
// elected and the member serves). Clients use the JSON gateway on the client URL (POST /v3/kv/put).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { DEFAULT_SNAPSHOT_EVERY } from '../../barn/node/housekeeper.ts';
import { freePorts } from '../../barn/node/test-support.ts';
import { assertAlive, spawnServer, stopServer, waitUntil, type RunningCluster, type ServerProcess } from './server-process.ts';

export const ETCD_BIN = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';

export async function startEtcd(size: number, baseDir: string): Promise<RunningCluster> {
  const ports = await freePorts(size * 2);
  const names = Array.from({ length: size }, (_, i) => `e${i + 1}`);
  const peerUrl = (i: number): string => `http://127.0.0.1:${ports[2 * i + 1]}`;
  const clientUrl = (i: number): string => `http://127.0.0.1:${ports[2 * i]}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const clusterToken = `bench-${Date.now()}`; // the same for every member, new per cluster
  const members: ServerProcess[] = names.map((name, i) => {
    const dataDir = join(baseDir, name);
    mkdirSync(dataDir, { recursive: true });
    const args = [
      '--name', name,
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl(i),
      '--advertise-client-urls', clientUrl(i),
      '--listen-peer-urls', peerUrl(i),
      '--initial-advertise-peer-urls', peerUrl(i),
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
      '--snapshot-count', String(DEFAULT_SNAPSHOT_EVERY),
      '--initial-cluster-token', clusterToken,
      '--logger', 'zap',
      '--log-level', 'warn',
    ];
    return spawnServer(name, ETCD_BIN, args, { dataDir, logFile: join(baseDir, `${name}.log`), url: clientUrl(i) });
  });
  const cluster: RunningCluster = { kind: 'etcd', members, stop: async () => void (await Promise.all(members.map((m) => stopServer(m)))) };
  try {
    await waitUntil(`etcd x${size} healthy`, 30_000, async () => {
      assertAlive(members);
      for (const m of members) {
        const res = await request(`${m.url}/health`, { headersTimeout: 2000, bodyTimeout: 2000 });
        const body = (await res.body.json()) as { health?: string };
        if (body.health !== 'true') return false;
      }
      return true;
    });
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

/** Whether the member at `url` is the leader (POST /v3/maintenance/status: header.member_id === leader). */
export async function etcdIsLeader(url: string): Promise<boolean> {
  const res = await request(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, headersTimeout: 5000, bodyTimeout: 5000 });
  const body = (await res.body.json()) as { header?: { member_id?: string }; leader?: string };
  return body.header?.member_id !== undefined && body.header.member_id === body.leader;
}
