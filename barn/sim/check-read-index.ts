// Read-index safety (linearizable reads): a ReadState answering a request must carry an index at least as
// high as every entry known committed when the request was issued — otherwise a read served at that index
// could miss a write that had already been acknowledged.
import { violated } from './violation.ts';

export class ReadIndexMonitor {
  /** ctx → the highest acknowledged-committed index when the request was issued. */
  private readonly issued = new Map<string, number>();

  issue(ctx: string, committedBound: number): void {
    this.issued.set(ctx, committedBound);
  }

  /** A node received ReadState (ctx, index). Unknown contexts are ignored (not issued by the simulation). */
  observe(node: string, ctx: string, index: number): void {
    const bound = this.issued.get(ctx);
    if (bound === undefined) return;
    if (index < bound) violated('read-index-safety', `node ${node} got read index ${index} for ${ctx}, issued after index ${bound} was committed`);
  }
}
