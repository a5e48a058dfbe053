// The run's trace: the last N actions with their step numbers (a ring buffer, so long runs stay cheap),
// described only when the result is built.
import { describeConfChange } from '../raft/conf-change-codec.ts';
import { describeMessage } from '../raft/describe.ts';
import type { Action } from './types.ts';

export class Trace {
  private readonly ring: { step: number; action: Action }[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(step: number, action: Action): void {
    if (this.capacity <= 0) return;
    const item = { step, action };
    if (this.ring.length < this.capacity) this.ring.push(item);
    else this.ring[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first, as `#step action`. */
  lines(): string[] {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.map(({ step, action }) => `#${step} ${describeAction(action)}`);
  }
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'tick':
      return `tick ${a.nodes.join(' ')}`;
    case 'deliver':
    case 'drop':
    case 'duplicate':
    case 'delay':
      return `${a.kind} [${a.flight.seq}] ${describeMessage(a.flight.msg)}`;
    case 'propose':
      return `propose ${a.node} ${a.value}`;
    case 'read':
      return `read-index ${a.node} ${a.ctx}`;
    case 'transfer':
      return `transfer-leadership ${a.node} to ${a.to}`;
    case 'ready':
      return `ready ${a.node}`;
    case 'partition':
      return `partition ${a.groups.map((g) => g.join(' ')).join(' / ')}`;
    case 'heal':
      return 'heal';
    case 'crash':
      return `crash ${a.node}`;
    case 'restart':
      return `restart ${a.node}`;
    case 'bounce':
      return `bounce ${a.node}`;
    case 'compact':
      return `compact ${a.node} to ${a.index}`;
    case 'reconfigure':
      return `propose-conf-change ${a.node} ${describeConfChange(a.change) || '(leave joint)'}`;
  }
}
