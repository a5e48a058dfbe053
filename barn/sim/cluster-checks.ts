// The invariant scans over the whole cluster (the node loop feeds the checkers the rest):
//   checkStep       — after every action: election safety, leader completeness, in-memory commit index;
//   checkDurability — after every crash: acknowledged entries are durable beyond any quorum's reach;
//   checkFinal      — at the end of each phase: durability and pairwise log matching of all logs.
import { checkLogsPairwise } from './check-log-matching.ts';
import type { LogView } from './check-log-matching.ts';
import type { Cluster } from './cluster.ts';
import { durableView } from './sim-node.ts';
import type { SimNode } from './sim-node.ts';

export function checkStep(c: Cluster): void {
  for (const n of c.nodes) {
    const r = n.raw?.raft;
    if (r === undefined) continue;
    c.checker.commits.recordVolatile(n.id, n.incarnation, r.raftLog.committed);
    if (r.role !== 'leader') continue;
    c.checker.election.observeLeader(r.term, n.id);
    c.checker.committed.checkLeader({
      id: n.id,
      incarnation: n.incarnation,
      term: r.term,
      firstIndex: r.raftLog.firstIndex(),
      lastIndex: r.raftLog.lastIndex(),
      termAt: (i) => r.raftLog.term(i),
    });
  }
}

export function checkDurability(c: Cluster): void {
  c.checker.committed.checkDurableQuorum(c.nodes.filter((n) => n.joined).map(durableView), c.latestConf.confState);
}

export function checkFinal(c: Cluster): void {
  checkDurability(c);
  checkLogsPairwise(c.nodes.filter((n) => n.joined).map(logView));
}

/** In memory for live nodes, durable for crashed ones. */
function logView(n: SimNode): LogView {
  if (n.raw !== undefined) return { id: n.id, entries: n.raw.raft.raftLog.allEntries() };
  const s = n.storage;
  return { id: n.id, entries: s.entries(s.firstIndex(), s.lastIndex() + 1, Number.MAX_SAFE_INTEGER) };
}
