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

  /**
   * Removes a connection: `subscribed` if it was a subscriber, `online` if it was still the client's
   * registered connection (not already replaced by a newer login).
   */
  remove(channelId: string, clientId: string, conn: C): { subscribed: boolean; online: boolean } {
    const ch = this.channels.get(channelId);
    if (!ch) return { subscribed: false, online: false };
    const subscribed = ch.subscribers.delete(conn);
    const online = ch.online.get(clientId) === conn;
    if (online) ch.online.delete(clientId);
    if (ch.online.size === 0 && ch.subscribers.size === 0) this.channels.delete(channelId);
    return { subscribed, online };
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

  /** Every online connection with its channel (the bus re-announces them after a reconnect). */
  *online(): IterableIterator<[channelId: string, clientId: string, conn: C, subscribed: boolean]> {
    for (const [channelId, ch] of this.channels)
      for (const [clientId, conn] of ch.online) yield [channelId, clientId, conn, ch.subscribers.has(conn)];
  }

  onlineCount(channelId: string): number {
    return this.channels.get(channelId)?.online.size ?? 0;
  }
}
