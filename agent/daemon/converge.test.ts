import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDataFile, rewriteDataFile, type DataCase } from '../../common/datadriven.ts';
import { backoffDelay, converge, recordExit, type Action, type DesiredSlice, type Outcome, type SlotView } from './converge.ts';

// testdata/converge.txt: `converge now=N` with input lines `placed <scenario> k=v…` and `slot <scenario> k=v…`,
// output one line per action then `wake <ms>`; `exit now=N base= cap= reset=` with a `slot` line and an `exit`
// line, output the slot after recordExit. RUNINK_REWRITE=1 rewrites the expected outputs.

function fields(line: string): { head: string[]; kv: Record<string, string> } {
  const head: string[] = [];
  const kv: Record<string, string> = {};
  for (const part of line.trim().split(/\s+/)) {
    const i = part.indexOf('=');
    if (i > 0) kv[part.slice(0, i)] = part.slice(i + 1);
    else head.push(part);
  }
  return { head, kv };
}

function arg(c: DataCase, key: string): number {
  const a = c.args.find((x) => x.key === key);
  if (a === undefined) throw new Error(`line ${c.line}: missing ${key}=`);
  return Number(a.values[0]);
}

function slotOf(kv: Record<string, string>): SlotView {
  const common = { specHash: kv['hash']!, fence: Number(kv['fence'] ?? 1), failures: Number(kv['failures'] ?? 0) };
  const phase = kv['phase'] ?? 'running';
  if (phase === 'exited') {
    return { ...common, phase, outcome: (kv['outcome'] ?? 'FAIL') as Outcome, stoppedByAgent: kv['stopped'] === 'true', retryAt: Number(kv['retryAt'] ?? 0) };
  }
  return { ...common, phase: phase as 'starting' | 'running' | 'stopping', startedAt: Number(kv['started'] ?? 0) };
}

function formatAction(a: Action): string {
  switch (a.type) {
    case 'start':
      return `start ${a.scenario} hash=${a.desired.specHash} fence=${a.desired.fence} attempt=${a.attempt}`;
    case 'stop':
      return `stop ${a.scenario} reason=${a.reason}`;
    case 'forget':
      return `forget ${a.scenario}`;
  }
}

function formatSlot(s: SlotView): string {
  return s.phase === 'exited'
    ? `exited hash=${s.specHash} outcome=${s.outcome} stopped=${s.stoppedByAgent} failures=${s.failures} retryAt=${s.retryAt}`
    : `${s.phase} hash=${s.specHash}`;
}

function run(c: DataCase): string {
  const desired = new Map<string, DesiredSlice>();
  const observed = new Map<string, SlotView>();
  let exit: { outcome: Outcome; stoppedByAgent: boolean; mode: 'stream' | 'once' } | undefined;
  for (const line of c.input) {
    const { head, kv } = fields(line);
    const [kind, scenario = 'x'] = head;
    if (kind === 'placed') desired.set(scenario, { scenario, specHash: kv['hash']!, fence: Number(kv['fence'] ?? 1), mode: (kv['mode'] ?? 'stream') as 'stream' | 'once' });
    else if (kind === 'slot') observed.set(scenario, slotOf(kv));
    else if (kind === 'exit') exit = { outcome: kv['outcome'] as Outcome, stoppedByAgent: kv['stopped'] === 'true', mode: (kv['mode'] ?? 'stream') as 'stream' | 'once' };
    else throw new Error(`line ${c.line}: unknown input ${line}`);
  }
  switch (c.command) {
    case 'converge': {
      const r = converge(desired, observed, arg(c, 'now'));
      const lines = r.actions.map(formatAction);
      if (r.wakeAt !== undefined) lines.push(`wake ${r.wakeAt}`);
      return lines.length === 0 ? 'no actions' : lines.join('\n');
    }
    case 'exit': {
      const slot = [...observed.values()][0];
      if (slot === undefined || slot.phase === 'exited' || exit === undefined) throw new Error(`line ${c.line}: exit needs a live slot and an exit line`);
      const policy = { baseMs: arg(c, 'base'), capMs: arg(c, 'cap'), resetAfterMs: arg(c, 'reset') };
      return formatSlot(recordExit(slot, exit, arg(c, 'now'), policy));
    }
    default:
      throw new Error(`line ${c.line}: unknown command ${c.command}`);
  }
}

test('converge and recordExit decisions match testdata/converge.txt', () => {
  const path = fileURLToPath(new URL('./testdata/converge.txt', import.meta.url));
  const text = readFileSync(path, 'utf8');
  const file = parseDataFile(text);
  assert.ok(file.cases.length > 10);
  const actual = file.cases.map(run);
  if (process.env['RUNINK_REWRITE'] === '1') {
    writeFileSync(path, rewriteDataFile(file, actual));
    return;
  }
  const mismatches = file.cases.flatMap((c, i) => (c.expected === actual[i] ? [] : [{ line: c.line, expected: c.expected, actual: actual[i] }]));
  assert.deepEqual(mismatches, []);
});

test('backoff doubles from the base and stops at the cap', () => {
  const policy = { baseMs: 100, capMs: 1000, resetAfterMs: 10_000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, policy)), [0, 100, 200, 400, 800, 1000, 1000]);
});

test('converging twice over the slots the first actions produce asks for nothing more', () => {
  const desired = new Map<string, DesiredSlice>([['p/a', { scenario: 'p/a', specHash: 'h1', fence: 4, mode: 'stream' }]]);
  const first = converge(desired, new Map(), 0);
  assert.deepEqual(first.actions.map((a) => a.type), ['start']);
  const observed = new Map<string, SlotView>([['p/a', { phase: 'starting', specHash: 'h1', fence: 4, startedAt: 0, failures: 0 }]]);
  assert.deepEqual(converge(desired, observed, 10), { actions: [] });
});
