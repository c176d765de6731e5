// Which other nodes are dead (docs/operators/scale-out.md, "Failures"): a node whose heartbeat key
// (sp:node:<id>) is gone at two sweeps in a row. A node merely re-registering after a Redis restart is
// spared: nobody is judged during a grace period after this node reconnects, nor at the first miss.
import type { Redis } from 'ioredis';
import { aliveNodes } from './snapshot.ts';

export class NodeSweep {
  private readonly suspects = new Map<string, number>();
  /** Nodes dropped because nobody listened on their topic, still to be confirmed dead or alive. */
  readonly dropped = new Set<string>();
  /** No node is judged dead before this time (the others may still be reconnecting after a blip). */
  private after = 0;

  constructor(
    private readonly cmd: Redis,
    private readonly self: string,
  ) {}

  /** After a reconnect: forget the suspicions, judge nobody before `until`. */
  pause(until: number): void {
    this.suspects.clear();
    this.after = until;
  }

  /** A node was dropped (its suspicion is settled). */
  settle(node: string): void {
    this.suspects.delete(node);
  }

  /** The nodes of `seen` (and the dropped ones) whose heartbeat key is gone for the second sweep. */
  async dead(seen: Set<string>, now: number): Promise<string[]> {
    if (now < this.after) return [];
    for (const n of this.dropped) seen.add(n);
    seen.delete(this.self);
    const alive = await aliveNodes(this.cmd, [...seen]);
    const dead: string[] = [];
    for (const node of seen) {
      if (alive.has(node)) {
        this.suspects.delete(node);
        this.dropped.delete(node);
        continue;
      }
      const n = (this.suspects.get(node) ?? 0) + 1;
      this.suspects.set(node, n);
      if (n >= 2) dead.push(node);
    }
    return dead;
  }
}
