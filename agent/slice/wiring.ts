// The scenario DAG as the runtime needs it: who reads each node's records, who receives its rejects, and how
// many upstreams each step waits for before it is flushed. Built from the compiled `after` lists (the DSL
// compiler already applied the defaults of docs/dsl.md §5); re-checked here so an inconsistent spec fails
// with SLICE_BAD_SPEC instead of hanging. Pure.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { SliceError } from './errors.ts';

export interface Wiring {
  /** producer (source or step) → steps reading it, in declaration order */
  readonly stepReaders: ReadonlyMap<string, readonly string[]>;
  /** producer → non-dead-letter sinks reading its records (a route step's `to` sink is not listed here) */
  readonly sinkReaders: ReadonlyMap<string, readonly string[]>;
  /** producer → dead-letter sinks collecting its rejects */
  readonly deadLetterReaders: ReadonlyMap<string, readonly string[]>;
  /** every dead-letter sink: receives rejects whose producer has no dead-letter reader of its own */
  readonly allDeadLetters: readonly string[];
  /** route step → its `to` sink */
  readonly routeTargets: ReadonlyMap<string, string>;
  /** step → number of upstream nodes */
  readonly upstreams: ReadonlyMap<string, number>;
  /** steps in an order where every step comes after its upstreams */
  readonly order: readonly string[];
}

export function buildWiring(spec: ScenarioSpec): Wiring {
  const sources = new Set(spec.sources.map((s) => s.id));
  const steps = new Map(spec.steps.map((s) => [s.id, s]));
  const producers = new Set([...sources, ...steps.keys()]);
  const stepReaders = new Map<string, string[]>();
  const sinkReaders = new Map<string, string[]>();
  const deadLetterReaders = new Map<string, string[]>();
  const routeTargets = new Map<string, string>();
  const upstreams = new Map<string, number>();
  const add = (m: Map<string, string[]>, k: string, v: string): void => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else if (!list.includes(v)) list.push(v);
  };
  for (const step of spec.steps) {
    if (step.name === 'route' && step.kind === 'builtin' && typeof step.params['to'] === 'string') routeTargets.set(step.id, step.params['to']);
    if (step.after.length === 0) throw bad(`step ${step.id} reads nothing`);
    for (const up of step.after) {
      if (!producers.has(up)) throw bad(`step ${step.id} reads unknown node ${up}`);
      add(stepReaders, up, step.id);
    }
    upstreams.set(step.id, step.after.length);
  }
  const sinkIds = new Set(spec.sinks.map((s) => s.id));
  for (const [route, to] of routeTargets) if (!sinkIds.has(to)) throw bad(`route ${route} sends to unknown sink ${to}`);
  for (const sink of spec.sinks) {
    for (const up of sink.after) {
      if (!producers.has(up)) throw bad(`sink ${sink.id} reads unknown node ${up}`);
      if (sink.deadLetter) add(deadLetterReaders, up, sink.id);
      else if (routeTargets.get(up) !== sink.id) add(sinkReaders, up, sink.id);
    }
  }
  return {
    stepReaders,
    sinkReaders,
    deadLetterReaders,
    allDeadLetters: spec.sinks.filter((s) => s.deadLetter).map((s) => s.id),
    routeTargets,
    upstreams,
    order: topoOrder(spec.steps.map((s) => ({ id: s.id, after: s.after.filter((a) => steps.has(a)) }))),
  };
}

function topoOrder(nodes: ReadonlyArray<{ id: string; after: readonly string[] }>): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  let progress = true;
  while (out.length < nodes.length && progress) {
    progress = false;
    for (const n of nodes) {
      if (!done.has(n.id) && n.after.every((a) => done.has(a))) {
        done.add(n.id);
        out.push(n.id);
        progress = true;
      }
    }
  }
  if (out.length < nodes.length) throw bad(`steps form a cycle: ${nodes.filter((n) => !done.has(n.id)).map((n) => n.id).join(', ')}`);
  return out;
}

function bad(message: string): SliceError {
  return new SliceError('SLICE_BAD_SPEC', message);
}
