// Test helper process (confine.test.ts): launches the Sleeper scenario of the fixture repo and prints
// `{"runId", "cgroup"}` once the slice runs, then waits to be killed (kill -9 leaves its cgroup behind).
import { compileRepo } from '../../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../../reconciler/source/worktree-reader.ts';
import { launchSlice } from '../launch.ts';

const [repo, dataRoot, runId] = process.argv.slice(2) as [string, string, string];
const state = await compileRepo(worktreeReader(repo));
const spec = Object.values(state.pipelines).flatMap((p) => p.scenarios).find((s) => s.id === 'escapes/sleeper')!;
const handle = launchSlice({ runId, repoRoot: repo, commit: 'fixture', spec, contracts: state.contracts, herd: state.herds[spec.herd]!, dataRoot, stdio: 'ignore', progressIntervalMs: 0 });
let told = false;
const tell = (): void => {
  if (told) return;
  told = true;
  process.stdout.write(JSON.stringify({ runId, pid: handle.pid }) + '\n');
};
// the Sleeper's one record is in flight once the runtime is loaded; a short wait makes sure it is inside the step
setTimeout(tell, 1500);
await handle.result;
