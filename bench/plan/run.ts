// bench/plan: how long compiling and planning take on a big repository, and whether the cost of a one-file
// plan grows with the change or with the repository.
//
//   node --import tsx bench/plan/run.ts [--sizes 1000,10000] [--contracts-ratio 5] [--repeat 5]
//
// For each size: generate a real Git repository, compile its first commit cold (fresh cache), then for
// `repeat` one-file commits measure a warm `plan(previous, next)` — compiling the new head through the cache
// warmed by the previous compile, plus the diff — the way the reconciler runs on each new commit.
// The reference for "grows with the change" is the same measurement at the smaller size, in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CompileCache } from '../../reconciler/desired/compile-cache.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { plan } from '../../reconciler/plan/plan.ts';
import { locateGit } from '../../reconciler/source/git-reader.ts';
import { openRef } from '../../reconciler/source/open-ref.ts';
import { changeOnePipeline, generateRepo, git } from './generate-repo.ts';

interface SizeResult {
  pipelines: number;
  contracts: number;
  generateMs: number;
  coldCompileMs: number;
  warmPlanMs: number[];
  reparsed: number[];
  errors: number;
}

async function measure(pipelines: number, contracts: number, repeat: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), `runink-bench-plan-${pipelines}-`));
  try {
    let t = performance.now();
    const repo = generateRepo(dir, pipelines, contracts);
    const generateMs = performance.now() - t;
    const loc = (await locateGit(dir))!;
    const cache = new CompileCache();
    t = performance.now();
    let previous = await compileRepo(await openRef(dir, git(dir, 'rev-parse', 'HEAD'), loc), cache);
    const coldCompileMs = performance.now() - t;
    const warmPlanMs: number[] = [];
    const reparsed: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const commit = changeOnePipeline(repo, (i * 7919) % pipelines, i + 1);
      cache.nextGeneration();
      t = performance.now();
      const head = await compileRepo(await openRef(dir, commit, loc), cache);
      const result = plan(previous, head);
      warmPlanMs.push(performance.now() - t);
      reparsed.push(cache.compiledFiles);
      if (result.scenarios.length !== 1) throw new Error(`expected one changed scenario, got ${result.scenarios.length}`);
      previous = head;
    }
    return { pipelines, contracts, generateMs, coldCompileMs, warmPlanMs, reparsed, errors: previous.problems.filter((p) => p.severity === 'error').length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, 'contracts-ratio': { type: 'string', default: '5' }, repeat: { type: 'string', default: '5' } } });
const sizes = values.sizes.split(',').map(Number);
const results: SizeResult[] = [];
for (const n of sizes) {
  const r = await measure(n, Math.max(1, Math.round(n / Number(values['contracts-ratio']))), Number(values.repeat));
  results.push(r);
  console.log(
    `${String(r.pipelines).padStart(6)} pipelines ${String(r.contracts).padStart(5)} contracts | generate ${r.generateMs.toFixed(0)} ms | cold compile ${r.coldCompileMs.toFixed(0)} ms | one-file plan median ${median(r.warmPlanMs).toFixed(1)} ms (runs ${r.warmPlanMs.map((x) => x.toFixed(1)).join(', ')}) | files re-parsed per plan ${r.reparsed.join(', ')} | errors ${r.errors}`,
  );
}
if (results.length >= 2) {
  const small = results[0]!;
  const big = results[results.length - 1]!;
  console.log(`one-file plan ratio ${big.pipelines}/${small.pipelines} pipelines: ${(median(big.warmPlanMs) / median(small.warmPlanMs)).toFixed(2)}x for ${(big.pipelines / small.pipelines).toFixed(0)}x the repository`);
}
