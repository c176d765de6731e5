// This node's view of one channel's members on OTHER nodes: who is online where (for `send`) and who is
// subscribed (for `publish`, `peers` and presence). Kept current by the channel's bus events and filled
// from Redis when the node starts following the channel. Each method says what changed, so the caller
// can tell its local subscribers (join/leave) exactly once.
import type { LocalSide } from './types.ts';
import type { ChannelEvent } from './wire.ts';

export interface RemoteLogin {
  node: string;
  at: number;
}

export class ChannelMirror {
  readonly online = new Map<string, RemoteLogin>();
  /** clientId → node it is subscribed on. */
  readonly subs = new Map<string, string>();

  setOnline(clientId: string, node: string, at: number): void {
    const prev = this.online.get(clientId);
    // An older announcement (a re-announce racing a newer login elsewhere) never replaces a newer one.
    if (prev && prev.node !== node && prev.at > at) return;
    this.online.set(clientId, { node, at });
  }

  /** Forgets the client if it is online on `node` (a newer login elsewhere stays). */
  setOffline(clientId: string, node: string): void {
    if (this.online.get(clientId)?.node === node) this.online.delete(clientId);
  }

  /** Returns the presence events local subscribers should see, in order. */
  subscribe(clientId: string, node: string): Array<'join' | 'leave'> {
    const prev = this.subs.get(clientId);
    if (prev === node) return [];
    this.subs.set(clientId, node);
    return prev === undefined ? ['join'] : ['leave', 'join'];
  }

  /** true if the client was subscribed on `node` (local subscribers see `leave`). */
  unsubscribe(clientId: string, node: string): boolean {
    if (this.subs.get(clientId) !== node) return false;
    this.subs.delete(clientId);
    return true;
  }

  /** Drops everything of a node that died; returns the clients that were subscribed there. */
  dropNode(node: string): string[] {
    for (const [id, l] of this.online) if (l.node === node) this.online.delete(id);
    const left: string[] = [];
    for (const [id, n] of this.subs)
      if (n === node) {
        this.subs.delete(id);
        left.push(id);
      }
    return left;
  }

  nodes(into: Set<string>): void {
    for (const l of this.online.values()) into.add(l.node);
    for (const n of this.subs.values()) into.add(n);
  }
}

/** One event from another node on a followed channel's topic: the mirror updated, local sockets told. */
export function applyChannelEvent(
  m: ChannelMirror,
  channelId: string,
  ev: ChannelEvent,
  local: LocalSide,
): void {
  switch (ev.k) {
    case 'p':
      local.broadcast(channelId, ev.frame);
      return;
    case 'o':
      m.setOnline(ev.client, ev.node, ev.at);
      local.loggedInElsewhere(channelId, ev.client, ev.at, ev.node);
      return;
    case 'f':
      m.setOffline(ev.client, ev.node);
      return;
    case 'j':
      for (const e of m.subscribe(ev.client, ev.node)) local.presence(channelId, e, ev.client);
      return;
    case 'l':
      if (m.unsubscribe(ev.client, ev.node)) local.presence(channelId, 'leave', ev.client);
      return;
  }
}
