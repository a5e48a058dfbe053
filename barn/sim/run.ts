// Command line for long searches and single-seed debugging (the test file runs a fixed budget):
//   node --import tsx barn/sim/run.ts [--seeds N] [--from S] [--steps N] [--nodes 3,5] [--faults none|default|heavy]
//                                     [--membership careful|unrestricted]
//   node --import tsx barn/sim/run.ts --seed S [--nodes 3|5] [--steps N] [--faults …]   (verbose: every action and core log line)
// Prints each failing seed with its violation and trace, then seeds/second. Exit code 1 if any seed failed.
import { parseArgs } from 'node:util';
import { describeResult } from './report.ts';
import { simulate } from './simulate.ts';
import type { SimOptions } from './types.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    from: { type: 'string', default: '1' },
    steps: { type: 'string', default: '300' },
    nodes: { type: 'string', default: '3,5' },
    faults: { type: 'string', default: 'default' },
    seed: { type: 'string' },
    membership: { type: 'string', default: 'careful' },
  },
});

const steps = Number(values.steps);
const faults = values.faults as SimOptions['faults'];
const membership = values.membership === 'unrestricted' ? 'unrestricted' : 'careful';
const sizes = values.nodes.split(',').map((n) => (Number(n) === 5 ? 5 : 3));

if (values.seed !== undefined) {
  const seed = Number(values.seed);
  const r = simulate(seed, { nodes: sizes[0] ?? 3, steps, faults, membership, log: (line) => console.log(line) });
  console.log(describeResult(r));
  process.exitCode = r.violation === undefined ? 0 : 1;
} else {
  const from = Number(values.from);
  const count = Number(values.seeds);
  const start = performance.now();
  let failed = 0;
  let runs = 0;
  for (let seed = from; seed < from + count; seed++) {
    for (const nodes of sizes) {
      runs++;
      const r = simulate(seed, { nodes, steps, faults, membership });
      if (r.violation === undefined) continue;
      failed++;
      console.log(describeResult(r));
    }
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${runs} runs (${count} seeds × nodes ${sizes.join(',')}, ${steps} steps, faults ${String(values.faults)}, membership ${membership}): ${failed} failed, ${seconds.toFixed(1)} s, ${(runs / seconds).toFixed(0)} runs/s`);
  process.exitCode = failed === 0 ? 0 : 1;
}
