// The OpenLineage events of real local runs (`runi run --lineage`) validate against the official core and facet
// schemas: every examples-repo scenario, run on its golden input, START and COMPLETE.
// Corpus from RUNINK_CONFORMANCE_DIR (default <project root>/../shared/conformance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../common/clock.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import { loadOpenLineageSchemas } from '../lineage/validate-event.ts';
import { runLocal } from './run-local.ts';

const root = join(import.meta.dirname, '../..');
const corpus = process.env['RUNINK_CONFORMANCE_DIR'] ?? join(root, '..', 'shared', 'conformance');
const repo = join(root, 'examples-repo');

test('the lineage events of every example scenario run validate against the official OpenLineage schemas', async (t) => {
  const schemas = loadOpenLineageSchemas(corpus);
  const state = await compileRepo(worktreeReader(repo));
  const scratch = mkdtempSync(join(tmpdir(), 'runink-lineage-conf-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  let checked = 0;
  for (const spec of Object.values(state.pipelines).flatMap((p) => p.scenarios).filter((s) => s.golden !== undefined)) {
    const events: unknown[] = [];
    const sink: LineageSink = { emit: async (e) => void events.push(e), close: async () => undefined };
    const inputs = Object.fromEntries(spec.sources.map((s) => [s.id, join(repo, spec.golden!, 'input', `${s.id}.ndjson`)]));
    const { result } = await runLocal(state, spec, { repoRoot: repo, dataRoot: mkdtempSync(join(scratch, 'd-')), inputs, clock: systemClock, lineage: sink });
    assert.equal(result.status, 'COMPLETE', spec.id);
    assert.equal(events.length, 2);
    for (const event of events) {
      const v = schemas.validateEvent(event);
      assert.ok(v.ok, `${spec.id}: ${JSON.stringify(v.problems)}`);
      checked++;
    }
  }
  assert.ok(checked >= 12);
});
