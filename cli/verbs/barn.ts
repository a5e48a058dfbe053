// runi barn start|status|members — run a Barn node, and look at or change a cluster.
import { createHash } from 'node:crypto';
import { RuninkError } from '../../common/error.ts';
import { BarnClient } from '../../barn/client.ts';
import { startBarn } from '../../barn/node/serve.ts';
import type { MemberInfo } from '../../barn/node/service.ts';
import { parse, readToken, runSubcommand, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, type Output } from '../output.ts';

export const usage = `Usage:
  runi barn start --id ID --listen HOST:PORT --peers ID=URL,… --data-dir DIR --token-file F
                  [--cluster-token-file F] [--cluster-id NAME] [--join]
  runi barn status  [--barn URL,…] [--token-file F] [--json]
  runi barn members [list | add ID URL [--learner] | remove ID] [--barn URL,…] [--token-file F] [--json]

start runs one member of a Barn cluster until interrupted (one node alone is a valid cluster).
--peers lists every member of the first configuration, this one included; --join starts a node
that was added with \`runi barn members add\` (it learns the configuration from the leader).
Clients present the token in --token-file; peers present the cluster token (default: the same).

Examples:
  runi barn start --id n1 --listen 127.0.0.1:7001 --peers n1=http://127.0.0.1:7001 --data-dir /var/lib/barn --token-file token
  runi barn status --barn http://127.0.0.1:7001 --token-file token`;

export function barn(argv: string[], o: Output): Promise<ExitCode> {
  return runSubcommand(argv, o, { start, status, members }, usage);
}

export function parsePeers(text: string): MemberInfo[] {
  return text.split(',').filter((s) => s.trim() !== '').map((pair) => {
    const m = /^([A-Za-z0-9_.-]+)=(https?:\/\/\S+)$/.exec(pair.trim());
    if (!m) throw usageError(`bad --peers entry \`${pair}\` (expected ID=http://host:port)`, usage);
    return { id: m[1]!, url: m[2]!.replace(/\/$/, ''), role: 'voter' as const };
  });
}

async function start(argv: string[], o: Output): Promise<ExitCode> {
  const { values } = parse(argv, {
    id: { type: 'string' },
    listen: { type: 'string' },
    peers: { type: 'string' },
    'data-dir': { type: 'string' },
    'token-file': { type: 'string' },
    'cluster-token-file': { type: 'string' },
    'cluster-id': { type: 'string' },
    join: { type: 'boolean' },
  }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const id = values.id;
  const listen = values.listen;
  const dataDir = values['data-dir'];
  if (id === undefined || listen === undefined || dataDir === undefined) throw usageError('--id, --listen and --data-dir are required', usage);
  const members = parsePeers(values.peers ?? `${id}=http://${listen}`);
  if (!values.join && !members.some((m) => m.id === id)) throw usageError(`--peers must include this node (${id})`, usage);
  const token = readToken(values['token-file'], '--token-file', usage);
  const clusterToken = values['cluster-token-file'] ? readToken(values['cluster-token-file'], '--cluster-token-file', usage) : token;
  const clusterId = values['cluster-id'] ?? createHash('sha256').update(members.map((m) => `${m.id}=${m.url}`).sort().join(',')).digest('hex').slice(0, 16);
  const running = await startBarn({ id, listen, dataDir, token, clusterToken, clusterId, initialMembers: members, ...(values.join ? { join: true } : {}) });
  o.err(`barn ${id} listening on ${running.url} (cluster ${clusterId}, data ${dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return EXIT.ok;
}

function client(values: { barn?: string | undefined; 'token-file'?: string | undefined }): BarnClient {
  const endpoints = (values.barn ?? process.env['RUNINK_BARN'] ?? 'http://127.0.0.1:7001').split(',');
  const token = readToken(values['token-file'] ?? process.env['RUNINK_TOKEN_FILE'], '--token-file', usage);
  return new BarnClient({ endpoints, token });
}

async function status(argv: string[], o: Output): Promise<ExitCode> {
  const { values } = parse(argv, { barn: { type: 'string' }, 'token-file': { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const c = client(values);
  try {
    const r = await c.status();
    if (!r.ok) throw new RuninkError('BARN_UNAVAILABLE', `${r.code}: ${r.message}`);
    const s = r.value;
    if (values.json) json(o, s);
    else {
      o.out(`node ${s.id}  role ${s.role}  term ${s.term}  leader ${s.leader || '(none)'}\n`);
      o.out(`commit ${s.commitIndex}  applied ${s.appliedIndex}  revision ${s.revision}  cluster ${s.clusterId}\n`);
      for (const m of s.members) o.out(`  ${m.id.padEnd(8)} ${m.role.padEnd(8)} ${m.url}${m.id === s.leader ? '  (leader)' : ''}\n`);
    }
    return EXIT.ok;
  } finally {
    await c.close();
  }
}

async function members(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { barn: { type: 'string' }, 'token-file': { type: 'string' }, json: { type: 'boolean' }, learner: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const [action = 'list', ...args] = positionals;
  const c = client(values);
  try {
    const r = action === 'list'
      ? await c.members()
      : action === 'add' && args.length === 2
        ? await c.addMember({ id: args[0]!, url: args[1]!, role: values.learner ? 'learner' : 'voter' })
        : action === 'remove' && args.length === 1
          ? await c.removeMember(args[0]!)
          : undefined;
    if (r === undefined) throw usageError(`bad members command: ${positionals.join(' ')}`, usage);
    if (!r.ok) {
      o.err(`runi barn members: ${r.code}: ${r.message}\n`);
      return r.status === 404 || r.status === 409 || r.status === 400 ? EXIT.findings : EXIT.unavailable;
    }
    if (values.json) json(o, r.value);
    else for (const m of r.value.members) o.out(`${m.id.padEnd(8)} ${m.role.padEnd(8)} ${m.url}\n`);
    return EXIT.ok;
  } finally {
    await c.close();
  }
}
