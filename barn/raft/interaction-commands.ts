// The commands of the interaction harness. Each takes the parsed arguments of one script line, acts on the
// InteractionEnv and writes what happened to its output. Node ids are written as numbers (1, 2, 3).
//
//   add-nodes N [voters=(1,2,3)] [learners=(4)] [index=I] [prevote=true] [checkquorum=true]
//             [max-inflight=N] [max-inflight-bytes=N] [max-msg-size=N] [disable-forwarding=true]
//             [election=ticks] [heartbeat=ticks]
//   campaign N | propose N data | propose-conf-change N v2 l3 r4 [transition=auto|implicit|explicit]
//   process-ready N... | deliver-msgs [drop=(ids)] [type=MsgApp] N... | stabilize [N...]
//   partition N... [/ M...] | heal | tick N [count] | tick-election N | tick-heartbeat N
//   compact N index | transfer-leadership from=N to=M | read-index N ctx
//   report-unreachable N M | report-snapshot N M [ok=false] | restart N | snapshot-unavailable N on|off
//   raft-log N | raft-state | status N | applied N | log-level debug|info|warn|error|none
import { describeConfState, describeEntry, describeMessage, msgName, roleName } from './describe.ts';
import type { Arg } from '../../common/datadriven.ts';
import { parseConfChangeSingle } from './conf-change-codec.ts';
import { DEFAULT_NODE_OPTIONS } from './interaction-env.ts';
import type { EnvNode, InteractionEnv, NodeOptions, OutputLevel } from './interaction-env.ts';
import type { ConfChange, ConfChangeSingle, MessageType, NodeId } from './types.ts';

type Handler = (env: InteractionEnv, args: readonly Arg[]) => void;

const encoder = new TextEncoder();

export function runCommand(env: InteractionEnv, command: string, args: readonly Arg[]): string {
  const handler = HANDLERS[command];
  if (handler === undefined) throw new Error(`unknown command ${command}`);
  handler(env, args);
  const out = env.takeOutput();
  return out === '' ? 'ok' : out;
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  'add-nodes': addNodes,
  campaign: (env, args) => reportError(env, node(env, args).node.campaign()),
  propose: (env, args) => {
    const n = node(env, args);
    const data = positional(args)[1] ?? '';
    reportError(env, n.node.propose(encoder.encode(data)));
  },
  'propose-conf-change': proposeConfChange,
  'process-ready': (env, args) => {
    for (const id of ids(args)) {
      const n = env.node(id);
      if (!n.node.hasReady()) continue;
      if (ids(args).length > 1) env.write(`> ${id} handling Ready`);
      env.nested(() => env.handleReady(n));
    }
  },
  'deliver-msgs': deliverMsgs,
  stabilize: (env, args) => stabilize(env, ids(args).length > 0 ? ids(args) : env.nodes.map((n) => n.id)),
  partition: (env, args) => {
    // `partition 1 2 / 3`: {1,2}, {3} and everyone else are three groups.
    const groups: Set<NodeId>[] = [new Set()];
    for (const tok of ids(args)) {
      if (tok === '/') groups.push(new Set());
      else (groups[groups.length - 1] as Set<NodeId>).add(tok);
    }
    env.partition = groups;
  },
  heal: (env) => {
    env.partition = [];
  },
  tick: (env, args) => {
    const n = node(env, args);
    const count = Number(positional(args)[1] ?? '1');
    for (let i = 0; i < count; i++) n.node.tick();
  },
  'tick-election': (env, args) => {
    // Ticks until the node's election timeout elapses: a follower or candidate campaigns (its timeout is
    // randomized), a leader runs its check-quorum round.
    const n = node(env, args);
    const r = n.node.raft;
    const target = r.role === 'leader' ? r.electionTimeout : r.randomizedElectionTimeout;
    const count = Math.max(1, target - r.electionElapsed);
    for (let i = 0; i < count; i++) n.node.tick();
  },
  'tick-heartbeat': (env, args) => {
    const n = node(env, args);
    for (let i = 0; i < n.options.heartbeatTick; i++) n.node.tick();
  },
  compact: (env, args) => {
    const n = node(env, args);
    const index = Number(positional(args)[1]);
    if (index > n.node.raft.raftLog.applied) throw new Error(`cannot compact node ${n.id} to ${index}: applied is ${n.node.raft.raftLog.applied}`);
    n.storage.createSnapshot(index, env.confStateAt(n, index), env.snapshotData(n, index));
    n.storage.compact(index);
    printLog(env, n);
  },
  'transfer-leadership': (env, args) => {
    const from = env.node(value(args, 'from'));
    from.node.transferLeadership(value(args, 'to'));
  },
  'read-index': (env, args) => {
    const n = node(env, args);
    n.node.readIndex(positional(args)[1] ?? '');
  },
  'report-unreachable': (env, args) => {
    const [id, peer] = positional(args);
    env.node(id ?? '').node.reportUnreachable(peer ?? '');
  },
  'report-snapshot': (env, args) => {
    const [id, peer] = positional(args);
    env.node(id ?? '').node.reportSnapshot(peer ?? '', optional(args, 'ok') !== 'false');
  },
  'snapshot-unavailable': (env, args) => {
    // The node's storage answers snapshot() with "temporarily unavailable" (its bytes still being encoded).
    const [id, state] = positional(args);
    if (state !== 'on' && state !== 'off') throw new Error(`snapshot-unavailable ${id ?? ''}: say on or off`);
    env.node(id ?? '').storage.snapshotUnavailable = state === 'on';
  },
  restart: (env, args) => {
    const n = node(env, args);
    env.boot(n);
  },
  'raft-log': (env, args) => printLog(env, node(env, args)),
  'raft-state': (env) => {
    for (const n of env.nodes) {
      const r = n.node.raft;
      const voter = r.trk.isVoter(n.id) ? 'Voter' : r.trk.progress.has(n.id) ? 'Learner' : 'Non-Member';
      env.write(`${n.id}: ${roleName(r.role)} (${voter}) Term:${r.term} Lead:${r.lead || 0}`);
    }
  },
  status: (env, args) => {
    const s = node(env, args).node.status();
    env.write(`${roleName(s.softState.role)} Term:${s.hardState.term} Lead:${s.softState.lead || 0} Commit:${s.hardState.commit} Applied:${s.applied}`);
    env.write(`Config: ${s.config}`);
    if (s.leadTransferee !== '') env.write(`LeadTransferee: ${s.leadTransferee}`);
    for (const [id, p] of s.progress) env.write(`${id}: ${p.text}`);
  },
  applied: (env, args) => {
    const n = node(env, args);
    env.write(`applied: ${n.applied.map((v) => `${v.index}:${v.value}`).join(' ') || '(nothing)'}`);
    env.write(`conf: ${describeConfState(env.confStateAt(n, Number.MAX_SAFE_INTEGER))}`);
  },
  'log-level': (env, args) => {
    const level = (positional(args)[0] ?? 'info') as OutputLevel;
    if (!['debug', 'info', 'warn', 'error', 'none'].includes(level)) throw new Error(`unknown log level ${level}`);
    env.level = level;
  },
};

function addNodes(env: InteractionEnv, args: readonly Arg[]): void {
  const count = Number(positional(args)[0]);
  const options: NodeOptions = {
    ...DEFAULT_NODE_OPTIONS,
    checkQuorum: optional(args, 'checkquorum') === 'true',
    preVote: optional(args, 'prevote') === 'true',
    disableProposalForwarding: optional(args, 'disable-forwarding') === 'true',
    maxInflightMsgs: Number(optional(args, 'max-inflight') ?? DEFAULT_NODE_OPTIONS.maxInflightMsgs),
    maxInflightBytes: Number(optional(args, 'max-inflight-bytes') ?? DEFAULT_NODE_OPTIONS.maxInflightBytes),
    maxSizePerMsg: Number(optional(args, 'max-msg-size') ?? DEFAULT_NODE_OPTIONS.maxSizePerMsg),
    electionTick: Number(optional(args, 'election') ?? DEFAULT_NODE_OPTIONS.electionTick),
    heartbeatTick: Number(optional(args, 'heartbeat') ?? DEFAULT_NODE_OPTIONS.heartbeatTick),
  };
  const confState = {
    voters: list(args, 'voters'),
    learners: list(args, 'learners'),
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  };
  const index = Number(optional(args, 'index') ?? '0');
  for (let i = 0; i < count; i++) env.addNode(confState, index, options);
}

function proposeConfChange(env: InteractionEnv, args: readonly Arg[]): void {
  const n = node(env, args);
  const changes: ConfChangeSingle[] = [];
  for (const tok of positional(args).slice(1)) {
    const c = parseConfChangeSingle(tok);
    if (c === undefined) throw new Error(`bad conf change ${tok}`);
    changes.push(c);
  }
  const transition = (optional(args, 'transition') ?? 'auto') as ConfChange['transition'];
  reportError(env, n.node.proposeConfChange({ changes, transition, context: '' }));
}

function deliverMsgs(env: InteractionEnv, args: readonly Arg[]): void {
  const typeNames = args.find((a) => a.key === 'type')?.values;
  const types = typeNames === undefined ? undefined : new Set(typeNames.map(typeFromName));
  for (const id of list(args, 'drop')) {
    for (const f of env.takeMessages(id, types)) env.write(`dropped: ${describeMessage(f.msg)}`);
  }
  for (const id of ids(args)) {
    for (const m of env.takeMessages(id, types)) env.deliver(m);
  }
}

/** Until quiet: every node handles its Ready, then every node receives its queued messages. */
function stabilize(env: InteractionEnv, which: readonly NodeId[]): void {
  for (let round = 0; round < 1000; round++) {
    let busy = false;
    for (const id of which) {
      const n = env.node(id);
      while (n.node.hasReady()) {
        busy = true;
        env.write(`> ${id} handling Ready`);
        env.nested(() => env.handleReady(n));
      }
    }
    for (const id of which) {
      const msgs = env.takeMessages(id);
      if (msgs.length === 0) continue;
      busy = true;
      env.write(`> ${id} receiving messages`);
      env.nested(() => {
        for (const m of msgs) env.deliver(m);
      });
    }
    if (!busy) return;
  }
  throw new Error('stabilize did not converge in 1000 rounds');
}

function printLog(env: InteractionEnv, n: EnvNode): void {
  const first = n.storage.firstIndex();
  const last = n.storage.lastIndex();
  if (last < first) {
    env.write(`log is empty: first index=${first}, last index=${last}`);
    return;
  }
  for (const e of n.storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER)) env.write(describeEntry(e));
}

function reportError(env: InteractionEnv, err: { code: string; message: string } | null): void {
  if (err !== null) env.write(`error: ${err.code}: ${err.message}`);
}

function typeFromName(name: string): MessageType {
  const all: MessageType[] = ['hup', 'beat', 'prop', 'app', 'app-resp', 'vote', 'vote-resp', 'pre-vote', 'pre-vote-resp', 'snap', 'heartbeat', 'heartbeat-resp', 'unreachable', 'snap-status', 'check-quorum', 'transfer-leader', 'timeout-now', 'read-index', 'read-index-resp'];
  const t = all.find((x) => msgName(x) === name);
  if (t === undefined) throw new Error(`unknown message type ${name}`);
  return t;
}

// ---- argument helpers -----------------------------------------------------------------------------------

function positional(args: readonly Arg[]): string[] {
  return args.filter((a) => a.values.length === 0).map((a) => a.key);
}

function ids(args: readonly Arg[]): NodeId[] {
  return positional(args);
}

function node(env: InteractionEnv, args: readonly Arg[]): EnvNode {
  const id = positional(args)[0];
  if (id === undefined) throw new Error('missing node id');
  return env.node(id);
}

function optional(args: readonly Arg[], key: string): string | undefined {
  return args.find((a) => a.key === key)?.values[0];
}

function value(args: readonly Arg[], key: string): string {
  const v = optional(args, key);
  if (v === undefined) throw new Error(`missing argument ${key}=`);
  return v;
}

function list(args: readonly Arg[], key: string): string[] {
  return [...(args.find((a) => a.key === key)?.values ?? [])];
}
