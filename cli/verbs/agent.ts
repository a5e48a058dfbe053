// runi agent start — run a Runi agent: register, keep a lease, watch placements, converge slices.
import { resolve } from 'node:path';
import { parseCpu, parseMemory } from '../../common/quantity.ts';
import { AgentDaemon } from '../../agent/daemon/agent-daemon.ts';
import { confinedLauncher } from '../../agent/daemon/confined-launcher.ts';
import { DEFAULT_BACKOFF } from '../../agent/daemon/converge.ts';
import { processLauncher } from '../../agent/daemon/process-launcher.ts';
import { parse, readToken, runSubcommand, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { Output } from '../output.ts';

export const usage = `Usage:
  runi agent start --barn URL[,URL…] --node-id ID --data-root DIR --token-file F
                   [--labels k=v,…] [--capacity cpu=2,memory=4Gi] [--metrics-listen HOST:PORT]
                   [--repo DIR] [--launcher confined|process] [--openlineage-url URL]
                   [--lease-ttl-ms N] [--backoff-base-ms N] [--backoff-cap-ms N]
                   [--stop-grace-ms N] [--running-every-ms N]

Registers this machine at /runink/agents/<ID> with its labels and capacity, keeps its lease,
watches /runink/placements/<ID>/ and converges: starts placed slices, stops removed ones, restarts
a slice whose spec hash changed, retries failures with exponential backoff. Slices of a herd work
in <data-root>/<herd>/; the commit's files come from <data-root>/.runi/commits/<commit>/ or --repo.
Runs, slice state and lineage are reported to Barn (and to --openlineage-url when given);
GET /metrics and /healthz are served on --metrics-listen. Each slice runs confined by
agent/confine (cgroup, namespaces, uid 65534, read-only commit) at its herd's isolation level:
\`required\` fails the run (CONFINE_ISOLATION_UNAVAILABLE) where it cannot be met, \`best-effort\`
runs with a warning, \`off\` runs a plain child. --launcher process runs unconfined child
processes (development only). Runs until SIGINT/SIGTERM, then stops its slices and releases the
lease; exits 3 when the lease is lost.

Example:
  runi agent start --barn http://127.0.0.1:7001 --node-id a1 --labels region=eu-central \\
    --data-root /var/lib/runi --token-file token --capacity cpu=4,memory=8Gi --metrics-listen 127.0.0.1:9100`;

export function agent(argv: string[], o: Output): Promise<ExitCode> {
  return runSubcommand(argv, o, { start }, usage);
}

/** `k=v,k2=v2` → record; every pair needs a non-empty key. */
export function parsePairs(text: string | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const i = pair.indexOf('=');
    if (i <= 0) throw usageError(`bad ${flag} entry \`${pair}\` (expected key=value)`, usage);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function parseCapacity(text: string | undefined): { cpu: number; memory: number } {
  const pairs = parsePairs(text ?? 'cpu=1,memory=1Gi', '--capacity');
  for (const k of Object.keys(pairs)) if (k !== 'cpu' && k !== 'memory') throw usageError(`unknown --capacity resource \`${k}\` (cpu, memory)`, usage);
  const cpu = parseCpu(pairs['cpu'] ?? '1');
  const memory = parseMemory(pairs['memory'] ?? '1Gi');
  if (cpu === undefined || memory === undefined) throw usageError(`bad --capacity \`${text}\` (e.g. cpu=2,memory=4Gi)`, usage);
  return { cpu, memory };
}

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} must be a positive integer (ms)`, usage);
  return n;
}

async function start(argv: string[], o: Output): Promise<ExitCode> {
  const { values } = parse(argv, {
    barn: { type: 'string' },
    'node-id': { type: 'string' },
    labels: { type: 'string' },
    'data-root': { type: 'string' },
    'token-file': { type: 'string' },
    capacity: { type: 'string' },
    'metrics-listen': { type: 'string' },
    repo: { type: 'string' },
    launcher: { type: 'string' },
    'openlineage-url': { type: 'string' },
    'lease-ttl-ms': { type: 'string' },
    'backoff-base-ms': { type: 'string' },
    'backoff-cap-ms': { type: 'string' },
    'stop-grace-ms': { type: 'string' },
    'running-every-ms': { type: 'string' },
  }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const node = values['node-id'];
  const dataRoot = values['data-root'];
  const barn = values.barn ?? process.env['RUNINK_BARN'];
  if (node === undefined || dataRoot === undefined || barn === undefined) throw usageError('--barn, --node-id and --data-root are required', usage);
  if (!/^[A-Za-z0-9_.-]+$/.test(node)) throw usageError(`bad --node-id \`${node}\` (letters, digits, _ . -)`, usage);
  const token = readToken(values['token-file'] ?? process.env['RUNINK_TOKEN_FILE'], '--token-file', usage);
  const backoffBase = int(values['backoff-base-ms'], '--backoff-base-ms') ?? DEFAULT_BACKOFF.baseMs;
  const backoffCap = int(values['backoff-cap-ms'], '--backoff-cap-ms') ?? Math.max(DEFAULT_BACKOFF.capMs, backoffBase);
  const ttl = int(values['lease-ttl-ms'], '--lease-ttl-ms');
  const grace = int(values['stop-grace-ms'], '--stop-grace-ms');
  const running = int(values['running-every-ms'], '--running-every-ms');
  const launcher = values.launcher ?? 'confined';
  if (launcher !== 'process' && launcher !== 'confined') throw usageError(`unknown --launcher \`${launcher}\` (confined, process)`, usage);
  const log = (line: string): void => void o.err(`agent ${node}: ${line}\n`);
  const daemon = new AgentDaemon({
    node,
    endpoints: barn.split(',').map((u) => u.trim()).filter((u) => u !== ''),
    token,
    dataRoot: resolve(dataRoot),
    labels: parsePairs(values.labels, '--labels'),
    capacity: parseCapacity(values.capacity),
    backoff: { ...DEFAULT_BACKOFF, baseMs: backoffBase, capMs: backoffCap },
    ...(values.repo === undefined ? {} : { repoRoot: resolve(values.repo) }),
    launcher: launcher === 'confined' ? confinedLauncher({ dataRoot: resolve(dataRoot), log }) : processLauncher(resolve(dataRoot)),
    ...(values['metrics-listen'] === undefined ? {} : { metricsListen: values['metrics-listen'] }),
    ...(values['openlineage-url'] === undefined ? {} : { openLineageUrl: values['openlineage-url'] }),
    ...(ttl === undefined ? {} : { leaseTtlMs: ttl }),
    ...(grace === undefined ? {} : { stopGraceMs: grace }),
    ...(running === undefined ? {} : { runningEveryMs: running }),
    log,
  });
  let stopSignal: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    stopSignal = r;
  });
  process.once('SIGINT', stopSignal);
  process.once('SIGTERM', stopSignal);
  try {
    await Promise.race([daemon.start(), stopped]);
    if (daemon.metricsUrl !== undefined) o.err(`agent ${node}: metrics on ${daemon.metricsUrl}/metrics\n`);
    await Promise.race([stopped, daemon.failed]);
    return EXIT.ok;
  } finally {
    // Always releases the metrics server, Barn clients, OpenLineage emitter, lease and data root — also after
    // the daemon halted its slices on its own (lease lost: `failed` rejected, exit 3) or was still starting.
    await daemon.stop();
    process.off('SIGINT', stopSignal);
    process.off('SIGTERM', stopSignal);
  }
}
