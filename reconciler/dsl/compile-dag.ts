// A scenario's node drafts → its DAG: final ids, `after` edges (explicit or default), and the graph checks.
//   ids:    explicit `id=` first (DSL_DUPLICATE_ID on a clash), then derived ids (URI stem / kebab step
//           name) with -2, -3… appended when taken. Sources, steps and sinks share one namespace.
//   after:  step 1 reads every source (fan-in); step k reads step k-1; a sink reads the last step (or every
//           source when there are no steps); a sink named by `route(to=…)` reads that route step; a
//           dead-letter sink collects the rejects of every step (or every source when there are no steps).
//   checks: DSL_DANGLING_AFTER (after= names no source or step), DSL_CYCLE (naming the nodes on the cycle),
//           DSL_UNUSED_OUTPUT (a source or step that no step and no non-dead-letter sink reads).
// Iterative throughout: a scenario with thousands of steps cannot overflow the stack.
import type { SinkSpec, SourceSpec, SourceLocation, StepSpec } from '../../contracts/desired-state.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { Draft } from './compile-nodes.ts';
import type { ProblemSink } from './problem-sink.ts';

export interface Dag {
  readonly sources: SourceSpec[];
  readonly steps: StepSpec[];
  readonly sinks: SinkSpec[];
}

type Placed = Draft & { readonly finalId: string };

/** `checkGraph` false skips cycle and unused-output checks (some node could not be compiled). */
export function buildDag(drafts: readonly Draft[], file: string, sink: ProblemSink, checkGraph: boolean): Dag {
  const nodes = assignIds(drafts, sink);
  const sources = nodes.filter((d) => d.role === 'source');
  const steps = nodes.filter((d) => d.role === 'step');
  const sinks = nodes.filter((d) => d.role === 'sink');
  const loc = (d: Draft): SourceLocation => ({ file, line: d.line, col: d.col });
  const producers = new Set([...sources, ...steps].map((d) => d.finalId));
  const sinkIds = sinks.map((d) => d.finalId);
  const routes = routeTargets(steps, new Set(sinkIds), sink);
  const sourceIds = sources.map((d) => d.finalId);
  const stepIds = steps.map((d) => d.finalId);
  const dangling = { count: 0 };

  const stepSpecs: StepSpec[] = steps.map((d, i) => {
    if (d.role !== 'step') throw new Error('unreachable');
    const after = d.after ? resolve(d.after, producers, sinkIds, sink, dangling) : i === 0 ? sourceIds : [stepIds[i - 1]!];
    return { id: d.finalId, name: d.name, kind: d.kind, ...(d.module === undefined ? {} : { module: d.module }), params: d.params, after, loc: loc(d) };
  });
  const sinkSpecs: SinkSpec[] = sinks.map((d) => {
    if (d.role !== 'sink') throw new Error('unreachable');
    const routed = routes.get(d.finalId) ?? [];
    const last = stepIds.length > 0 ? [stepIds[stepIds.length - 1]!] : sourceIds;
    const fallback = routed.length > 0 ? routed : d.deadLetter && stepIds.length > 0 ? stepIds : last;
    const after = d.after ? unique([...resolve(d.after, producers, sinkIds, sink, dangling), ...routed]) : fallback;
    const { uri, format, deadLetter } = d;
    const opt = { ...(d.when === undefined ? {} : { when: d.when }), ...(d.contract === undefined ? {} : { contract: d.contract }) };
    return { id: d.finalId, uri, format, deadLetter, ...opt, after, loc: loc(d) };
  });
  const sourceSpecs: SourceSpec[] = sources.map((d) => {
    if (d.role !== 'source') throw new Error('unreachable');
    return { id: d.finalId, uri: d.uri, format: d.format, ...(d.contract === undefined ? {} : { contract: d.contract }), loc: loc(d) };
  });
  if (checkGraph) {
    const onCycle = findCycles(stepSpecs, sink);
    // A dangling edge already explains why something is unread; do not pile unused-output errors on it.
    if (dangling.count === 0) findUnused(sourceSpecs, stepSpecs, sinkSpecs, onCycle, sink);
  }
  return { sources: sourceSpecs, steps: stepSpecs, sinks: sinkSpecs };
}

function assignIds(drafts: readonly Draft[], sink: ProblemSink): Placed[] {
  const taken = new Map<string, Draft>();
  const explicit = new Set<Draft>();
  for (const d of drafts) {
    if (d.id === undefined) continue;
    const first = taken.get(d.id);
    if (first) {
      sink.add('DSL_DUPLICATE_ID', `id \`${d.id}\` is already used by the @${first.role} at line ${first.line}`, d.line, d.col, 'ids must be unique within a scenario');
    } else {
      taken.set(d.id, d);
      explicit.add(d);
    }
  }
  return drafts.map((d) => {
    if (explicit.has(d)) return { ...d, finalId: d.id! };
    let id = d.base;
    for (let k = 2; taken.has(id); k++) id = `${d.base}-${k}`;
    taken.set(id, d);
    return { ...d, finalId: id };
  });
}

/** Route steps by the sink they send to; a `to=` that names no sink is reported. */
function routeTargets(steps: readonly Placed[], sinkIds: ReadonlySet<string>, sink: ProblemSink): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of steps) {
    if (d.role !== 'step' || d.kind !== 'builtin' || d.name !== 'route' || typeof d.params['to'] !== 'string') continue;
    const to = d.params['to'];
    if (!sinkIds.has(to)) {
      sink.add('DSL_BAD_ARGUMENT', `route target \`${to}\` is not a sink of this scenario`, d.line, d.col, didYouMean(to, sinkIds) ?? `sinks: ${[...sinkIds].join(', ') || 'none'}`);
      continue;
    }
    out.set(to, [...(out.get(to) ?? []), d.finalId]);
  }
  return out;
}

function resolve(after: NonNullable<Extract<Draft, { role: 'step' }>['after']>, producers: ReadonlySet<string>, sinkIds: readonly string[], sink: ProblemSink, dangling: { count: number }): string[] {
  const out: string[] = [];
  for (const { name, line, col } of after) {
    if (producers.has(name)) {
      out.push(name);
      continue;
    }
    dangling.count++;
    if (sinkIds.includes(name)) sink.add('DSL_DANGLING_AFTER', `after=${name} names a sink; sinks produce no records to read`, line, col, 'name a source or a step');
    else sink.add('DSL_DANGLING_AFTER', `after=${name} names no source or step of this scenario`, line, col, didYouMean(name, producers) ?? `known: ${[...producers].join(', ') || 'none'}`);
  }
  return unique(out);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Kahn's algorithm; each cycle among the leftover steps is reported once, at its first declared step. */
function findCycles(steps: readonly StepSpec[], sink: ProblemSink): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const pending = new Map(steps.map((s) => [s.id, s.after.filter((a) => byId.has(a)).length]));
  const readers = new Map<string, string[]>();
  for (const s of steps) {
    for (const a of s.after) {
      if (!byId.has(a)) continue;
      const list = readers.get(a);
      if (list) list.push(s.id);
      else readers.set(a, [s.id]);
    }
  }
  const queue = steps.filter((s) => pending.get(s.id) === 0).map((s) => s.id);
  for (let i = 0; i < queue.length; i++) {
    for (const r of readers.get(queue[i]!) ?? []) {
      const left = pending.get(r)! - 1;
      pending.set(r, left);
      if (left === 0) queue.push(r);
    }
  }
  const stuck = new Set(steps.filter((s) => pending.get(s.id)! > 0).map((s) => s.id));
  const reported = new Set<string>();
  for (const s of steps) {
    if (!stuck.has(s.id) || reported.has(s.id)) continue;
    const cycle = walkBack(s.id, byId, stuck);
    if (cycle.some((id) => reported.has(id))) continue;
    for (const id of cycle) reported.add(id);
    const first = steps.find((x) => cycle.includes(x.id))!;
    const order = rotate(cycle, first.id);
    sink.add('DSL_CYCLE', `steps form a cycle: ${[...order, order[0]].join(' → ')}`, first.loc.line, first.loc.col, 'remove one of the after= edges on the cycle');
  }
  return stuck;
}

/** Follows stuck predecessors until a node repeats; returns that loop in reading order (upstream first). */
function walkBack(start: string, byId: ReadonlyMap<string, StepSpec>, stuck: ReadonlySet<string>): string[] {
  const path: string[] = [];
  const index = new Map<string, number>();
  let cur = start;
  while (!index.has(cur)) {
    index.set(cur, path.length);
    path.push(cur);
    cur = byId.get(cur)!.after.find((a) => stuck.has(a))!;
  }
  return path.slice(index.get(cur)!).reverse();
}

function rotate(cycle: readonly string[], first: string): string[] {
  const i = cycle.indexOf(first);
  return [...cycle.slice(i), ...cycle.slice(0, i)];
}

function findUnused(sources: readonly SourceSpec[], steps: readonly StepSpec[], sinks: readonly SinkSpec[], onCycle: ReadonlySet<string>, sink: ProblemSink): void {
  const read = new Set<string>();
  for (const s of steps) for (const a of s.after) read.add(a);
  for (const s of sinks) if (!s.deadLetter) for (const a of s.after) read.add(a);
  for (const node of [...sources, ...steps]) {
    if (read.has(node.id) || onCycle.has(node.id)) continue;
    const what = 'uri' in node ? 'source' : 'step';
    sink.add('DSL_UNUSED_OUTPUT', `the records of ${what} \`${node.id}\` reach no sink: no step or sink reads it`, node.loc.line, node.loc.col, `add after=${node.id} to a step or sink, or remove the ${what}`);
  }
}
