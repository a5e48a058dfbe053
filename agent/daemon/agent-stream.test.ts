// End to end with real processes for @stream slices on the default (confined) launcher: feeding the stdin FIFO,
// restart on a spec change, kill -9 of the agent and a restart (exactly one running copy afterwards, the
// leftover swept by agent/confine and its run closed in Barn), and stop on removal. See stream-e2e.ts.
// Skipped where confinement is missing, FAILED there with RUNINK_REQUIRE_CONFINEMENT=1 (test-support.ts).
import { streamScenario } from './stream-e2e.ts';
import { confinedTest } from './test-support.ts';

confinedTest('a confined @stream slice follows its placement: fed, restarted on a spec change, single after kill -9, stopped on removal', { timeout: 120_000 }, async (t) => {
  await streamScenario(t, 'confined', 'a2');
});
