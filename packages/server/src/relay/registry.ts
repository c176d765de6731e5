// Who is online where: one live connection per clientId, grouped by channel, plus each channel's
// subscribers. Sends and publishes only ever look inside the sender's own channel.

interface ChannelState<C> {
  online: Map<string, C>;
  subscribers: Set<C>;
}

export class ChannelRegistry<C> {
  private readonly channels = new Map<string, ChannelState<C>>();

  /** The connection of `clientId` if it is online in `channelId`. */
  find(channelId: string, clientId: string): C | undefined {
    return this.channels.get(channelId)?.online.get(clientId);
  }

  /** Registers a logged-in connection; returns the one it replaces (to be punted), if any. */
  add(channelId: string, clientId: string, conn: C): C | undefined {
    let ch = this.channels.get(channelId);
    if (!ch) {
      ch = { online: new Map(), subscribers: new Set() };
      this.channels.set(channelId, ch);
    }
    const prev = ch.online.get(clientId);
    ch.online.set(clientId, conn);
    return prev === conn ? undefined : prev;
  }

  /** Removes a connection (if it is still the registered one); true if it was a subscriber. */
  remove(channelId: string, clientId: string, conn: C): boolean {
    const ch = this.channels.get(channelId);
    if (!ch) return false;
    const wasSubscribed = ch.subscribers.delete(conn);
    if (ch.online.get(clientId) === conn) ch.online.delete(clientId);
    if (ch.online.size === 0 && ch.subscribers.size === 0) this.channels.delete(channelId);
    return wasSubscribed;
  }

  /** Adds a subscriber; false if it already was one. */
  subscribe(channelId: string, conn: C): boolean {
    const ch = this.channels.get(channelId);
    if (!ch || ch.subscribers.has(conn)) return false;
    ch.subscribers.add(conn);
    return true;
  }

  subscribers(channelId: string): ReadonlySet<C> {
    return this.channels.get(channelId)?.subscribers ?? new Set();
  }

  onlineCount(channelId: string): number {
    return this.channels.get(channelId)?.online.size ?? 0;
  }
}
