// End to end on examples-repo's sample data (data/<herd>/, copied to a scratch folder): real file sources with
// globs and CSV, written through the real sinks. The README promises that re-running orders-bronze rewrites the
// kept bronze files with the same content, and that data/finance/shared/retail/silver/ holds what the two
// silver scenarios produce; both are checked here.
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { runScenario } from './run-scenario.ts';
import { scratchDir } from './test-support.ts';

const REPO = fileURLToPath(new URL('../../examples-repo/', import.meta.url));
const state: DesiredState = await compileRepo(worktreeReader(REPO));
const scenarioById = (id: string): ScenarioSpec => Object.values(state.pipelines).flatMap((p) => p.scenarios).find((s) => s.id === id)!;

let data: string;
let cleanup: () => Promise<void>;
before(async () => {
  const d = await scratchDir('sample');
  data = d.path;
  cleanup = d.cleanup;
  await cp(join(REPO, 'data'), data, { recursive: true });
});
after(() => cleanup());

async function run(id: string, herd: string, extra: Record<string, unknown> = {}): Promise<void> {
  const r = await runScenario(scenarioById(id), { repoRoot: REPO, dataRoot: join(data, herd), contracts: state.contracts, ...extra });
  assert.equal(r.status, 'COMPLETE', `${id}: ${JSON.stringify(r.error)}`);
}

/** Same text, or (for @parallel output, whose order across partitions is free) the same multiset of lines. */
async function sameFile(actual: string, expected: string, ordered = true): Promise<void> {
  const a = await readFile(join(data, actual), 'utf8');
  const e = await readFile(join(REPO, 'data', expected), 'utf8');
  if (ordered) assert.equal(a, e, actual);
  else assert.deepEqual(a.split('\n').sort(), e.split('\n').sort(), actual);
}

describe('scenarios on the sample data of examples-repo', () => {
  it('orders-bronze rewrites the kept bronze files with the same content', async () => {
    await run('orders-bronze/ingest-raw-orders', 'retail');
    await run('orders-bronze/backfill-archived-orders', 'retail');
    await sameFile('retail/bronze/orders/live.ndjson', 'retail/bronze/orders/live.ndjson');
    await sameFile('retail/bronze/orders/backfill-2024-04.ndjson', 'retail/bronze/orders/backfill-2024-04.ndjson');
  });

  it('the silver scenarios produce what finance holds in shared/retail/silver', async () => {
    await run('orders-silver/clean-and-mask-orders', 'retail');
    await run('customers-silver/load-crm-customers', 'retail');
    await sameFile('retail/silver/orders.ndjson', 'finance/shared/retail/silver/orders.ndjson', false);
    await sameFile('retail/silver/customers.ndjson', 'finance/shared/retail/silver/customers.ndjson');
  });

  it('revenue-gold and the payments stream run on the finance root', async () => {
    await run('revenue-gold/build-daily-revenue', 'finance');
    assert.ok((await readFile(join(data, 'finance/gold/daily_revenue.ndjson'), 'utf8')).length > 0);
    await run('payments-bronze/stream-psp-events', 'finance', { stdin: createReadStream(join(REPO, 'data/finance/inbox/psp-events.ndjson')) });
    assert.ok((await readFile(join(data, 'finance/bronze/payments.ndjson'), 'utf8')).split('\n').length > 1);
  });
});
