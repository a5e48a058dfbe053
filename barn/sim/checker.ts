// All safety checkers of one run, fed by the node loop (persist / apply / read states) and by the
// per-step scan of the cluster. Each throws a ViolationError at the first broken invariant.
import { CommitIndexMonitor } from './check-commit-index.ts';
import { CommittedLog } from './check-committed.ts';
import { ElectionRecord } from './check-election.ts';
import { LogRegistry } from './check-log-matching.ts';
import { ReadIndexMonitor } from './check-read-index.ts';

export class SafetyChecker {
  readonly election = new ElectionRecord();
  readonly logs = new LogRegistry();
  readonly committed = new CommittedLog();
  readonly commits = new CommitIndexMonitor();
  readonly reads = new ReadIndexMonitor();
}
