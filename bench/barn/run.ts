// bench/barn: Barn vs etcd 3.4 on the same machine, in the same run (DESIGN §8).
//
//   node --import tsx bench/barn/run.ts [--quick] [--only matrix,warmup,soak,profile] [--duration S] [--warmup S]
//        [--rounds N] [--target all|leader] [--sizes 1,3] [--concurrency 1,16,64,256] [--soak-writes N] [--soak-concurrency C] [--keys N]
//
// 1. matrix: fresh etcd and fresh Barn clusters (1 and 3 nodes, fsync on) take the same put load (256-byte
//    values over 10k keys, 1/16/64/256 in flight) from a separate load-generator process; puts/s, p50, p99 and
//    the ratios Barn/etcd per cell, after a warm-up (10 s: see README, "Warm-up"). 2. warmup: the first 20 s
//    after a cold start of each 3-node cluster at 1 in flight, writes per second. 3. soak: 1M writes (100k with --quick) to one Barn node, RSS and data dir
//    size every second. 4. profile: Barn under --cpu-prof at 64 in flight; the leader's top functions.
// Prints markdown to stdout; writes results-<time>.json and .md under /tmp/barn-bench/ (BARN_BENCH_DIR).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ETCD_BIN } from './etcd-cluster.ts';
import { runProfile, type ProfileRun } from './profile.ts';
import { matrixTable, matrixVerdict, profileBlock, soakTable, soakVerdict, warmUpTable, warmUpVerdict } from './report.ts';
import { runSoak, type SoakResult } from './soak.ts';
import { runMatrix, type Cell } from './throughput.ts';
import { runWarmUp, type WarmUpRun } from './warm-up.ts';
import { assertNoStrayServers } from './server-process.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'matrix,warmup,soak,profile' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    target: { type: 'string', default: 'all' },
    sizes: { type: 'string', default: '1,3' },
    concurrency: { type: 'string', default: '1,16,64,256' },
    'soak-writes': { type: 'string' },
    'soak-concurrency': { type: 'string', default: '256' },
    keys: { type: 'string', default: '10000' },
  },
});
assertNoStrayServers();
const quick = values.quick;
const only = new Set(values.only.split(','));
const list = (s: string): number[] => s.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const durationMs = Number(values.duration ?? (quick ? 3 : 10)) * 1000;
// Both systems get the same warm-up; 10 s lets V8 optimize Barn's hot paths even at 1 in flight (the warmup
// phase shows the cold start).
const warmupMs = Number(values.warmup ?? (quick ? 3 : 10)) * 1000;
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const target = values.target === 'leader' ? 'leader' : 'all';
const keys = Number(values.keys);
const valueBytes = 256;
const outDir = process.env['BARN_BENCH_DIR'] ?? '/tmp/barn-bench';
const workDir = join(outDir, 'work');
mkdirSync(workDir, { recursive: true });
const log = (line: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results: { command: string; startedAt: string; etcd: string; options: object; matrix?: Cell[]; warmUp?: WarmUpRun; soak?: SoakResult; profiles?: ProfileRun[] } = {
  command: `node --import tsx bench/barn/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  startedAt: new Date().toISOString(),
  etcd: ETCD_BIN,
  options: { quick, durationMs, warmupMs, rounds, target, keys, valueBytes, sizes: list(values.sizes), concurrency: list(values.concurrency) },
};
const save = (): void => {
  writeFileSync(join(outDir, `results-${stamp}.json`), `${JSON.stringify(results, null, 1)}\n`);
};
const md: string[] = [`Command: \`${results.command}\` (started ${results.startedAt})`];

if (only.has('matrix')) {
  log(`matrix: sizes ${values.sizes}, in flight ${values.concurrency}, warm-up ${warmupMs / 1000} s, measure ${durationMs / 1000} s, ${rounds} round(s) per cell`);
  results.matrix = await runMatrix({ sizes: list(values.sizes), concurrencies: list(values.concurrency), warmupMs, durationMs, rounds, target, keys, valueBytes, workDir, log });
  save();
  md.push('', `### Throughput and latency (puts, ${valueBytes}-byte values, ${keys.toLocaleString('en-US')} keys, ${durationMs / 1000} s per measurement after ${warmupMs / 1000} s warm-up, median of ${rounds} alternating round(s) per cell, load on ${target === 'all' ? 'every member' : 'the leader only'})`, '', matrixTable(results.matrix), '', matrixVerdict(results.matrix));
}

if (only.has('warmup')) {
  const seconds = quick ? 10 : 20;
  log(`warm-up: a cold 3-node cluster of each kind at 1 in flight, writes per second for ${seconds} s`);
  results.warmUp = await runWarmUp({ size: 3, concurrency: 1, seconds, keys, valueBytes, workDir });
  save();
  md.push('', `### Warm-up: writes per second after a cold start (3 nodes, 1 in flight, no warm-up)`, '', warmUpTable(results.warmUp), '', warmUpVerdict(results.warmUp));
}

if (only.has('soak')) {
  const writes = Number(values['soak-writes'] ?? (quick ? 100_000 : 1_000_000));
  log(`soak: ${writes} writes to one Barn node, ${values['soak-concurrency']} in flight`);
  results.soak = await runSoak({ writes, concurrency: Number(values['soak-concurrency']), keys, valueBytes, workDir, log });
  save();
  md.push('', `### Soak (${writes.toLocaleString('en-US')} writes, one node, default housekeeping)`, '', soakTable(results.soak), '', soakVerdict(results.soak));
}

if (only.has('profile')) {
  results.profiles = [];
  for (const size of list(values.sizes)) {
    log(`profile: Barn x${size} at 64 in flight under --cpu-prof`);
    results.profiles.push(await runProfile({ size, concurrency: 64, warmupMs, durationMs, keys, valueBytes, workDir, profileDir: join(outDir, 'profiles') }));
    save();
  }
  md.push('', '### Where Barn spends its time (node --cpu-prof, leader)', '', ...results.profiles.map(profileBlock));
}

const text = `${md.join('\n')}\n`;
writeFileSync(join(outDir, `results-${stamp}.md`), text);
process.stdout.write(text);
log(`wrote ${join(outDir, `results-${stamp}.json`)} and .md`);
