// This node's view of one rendezvous tag's connections on OTHER nodes (docs/protocol.md 1.8, "Several
// nodes"): kept while a local connection is on the tag, filled from the RETAG script's snapshot and kept
// current by the tag's bus events. Keyed by node and client (during a takeover one client may briefly be
// on two nodes). Each method says what changed, so local listeners are told join/leave exactly once.
import type { TagMode } from './tag-wire.ts';

export interface TagMember {
  node: string;
  client: string;
  dial: boolean;
}

const key = (node: string, client: string) => `${node}|${client}`;

export class TagMirror {
  readonly members = new Map<string, TagMember>();
  /** Local connections on the tag. */
  refs = 0;
  /** Snapshots asked for and not yet applied. */
  loading = 0;
  /**
   * Members that left while a snapshot was on its way: the snapshot may predate the leave (its reply
   * and the leave event come on different connections), so it must not bring them back.
   */
  private readonly gone = new Set<string>();

  /** true if the member is new (local listeners see `join`); a mode change updates quietly. */
  add(node: string, client: string, mode: TagMode): boolean {
    const k = key(node, client);
    this.gone.delete(k);
    const had = this.members.get(k);
    this.members.set(k, { node, client, dial: mode === 'd' });
    return had === undefined;
  }

  /** From a snapshot: adds unless the member left since the snapshot was asked for. */
  addFromSnapshot(node: string, client: string, mode: TagMode): boolean {
    if (this.gone.has(key(node, client))) return false;
    return this.add(node, client, mode);
  }

  /** The member that left, if it was known (local listeners see `leave`). */
  remove(node: string, client: string): TagMember | undefined {
    const k = key(node, client);
    if (this.loading > 0) this.gone.add(k);
    const m = this.members.get(k);
    if (m) this.members.delete(k);
    return m;
  }

  /** A snapshot was applied (or failed). */
  loaded(): void {
    if (--this.loading <= 0) {
      this.loading = 0;
      this.gone.clear();
    }
  }

  /** Drops every member of a node that died; returns them. */
  dropNode(node: string): TagMember[] {
    const left: TagMember[] = [];
    for (const [k, m] of this.members)
      if (m.node === node) {
        this.members.delete(k);
        left.push(m);
      }
    return left;
  }

  /** The member with `client` on another node, if any. */
  find(client: string): TagMember | undefined {
    for (const m of this.members.values()) if (m.client === client) return m;
    return undefined;
  }

  nodes(into: Set<string>): void {
    for (const m of this.members.values()) into.add(m.node);
  }
}
