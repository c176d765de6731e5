// The bus: what one relay node tells the others and asks of them (issue #17, item 2; docs/operators/
// scale-out.md). The relay's hot path never waits on it: local deliveries stay synchronous, and the bus is
// asked only when a target is not on this node (`send`), when the channel has members elsewhere
// (`publish`), and on login, subscribe and socket end. Two implementations: InProcessBus (./local.ts, the
// default: one node, every method a no-op) and RedisBus (./redis.ts, `--bus redis://…`).

/** What the bus calls back into on this node (implemented over the relay's registry). */
export interface LocalSide {
  /** Hands a frame from another node to `to` if it is logged in here in `channelId`. */
  deliver(channelId: string, to: string, frame: Buffer): void;
  /** Hands a publish frame from another node to every local subscriber of the channel. */
  broadcast(channelId: string, frame: Buffer): void;
  /** A client subscribed (`join`) or stopped being a subscriber (`leave`) on another node. */
  presence(channelId: string, event: 'join' | 'leave', clientId: string): void;
  /**
   * `clientId` logged in on another node at `at` (epoch ms, node id breaking ties): punt the local
   * socket of that client if its own login is older.
   */
  loggedInElsewhere(channelId: string, clientId: string, at: number, node: string): void;
  /** Every local member of a channel (to re-announce after the bus reconnects). */
  members(): Iterable<{ channelId: string; clientId: string; at: number; subscribed: boolean }>;
  /**
   * A connection on another node joined or left rendezvous `tag` (1.8): tell the local connections on
   * the tag that see it (not both diallers).
   */
  tagEvent(tag: string, event: 'join' | 'leave', clientId: string, dial: boolean): void;
  /** Hands a message frame from a rendezvous partner on another node to `to` if it is on `tag` here. */
  deliverTagged(tag: string, to: string, fromDial: boolean, frame: Buffer): void;
  /** Every local connection's rendezvous tags (to write them back after a Redis restart). */
  registrations(): Iterable<{ tag: string; clientId: string; dial: boolean }>;
}

/** A connection's rendezvous tags (1.8): all of them, and those it only dials (`~`). */
export interface TagSet {
  tags: Iterable<string>;
  dial: ReadonlySet<string>;
}

/** The answer to a new tag list: full (nothing changed), or the partners on other nodes it sees now. */
export type RetagResult = { full: true } | { full: false; remote: Array<{ tag: string; clientId: string }> };

export interface Bus {
  readonly kind: 'local' | 'redis';
  /** This node's id on the bus (random per process start). */
  readonly nodeId: string;
  /**
   * Makes the node ready to route in `channelId` (listening to it, other nodes' members known) before a
   * login there is confirmed. undefined when there is nothing to wait for (in-process).
   */
  join(channelId: string): Promise<void> | undefined;
  /** The channel has no local members any more: stop following it. */
  release(channelId: string): void;
  /**
   * A login was accepted here (other nodes punt their older socket of the same client). Resolves once
   * the other nodes have been told, so `login_ok` can wait for it; undefined when there is no one to tell.
   */
  online(channelId: string, clientId: string, at: number): Promise<void> | undefined;
  /** The client's socket here ended (or was punted) and no newer local socket replaced it. */
  offline(channelId: string, clientId: string): void;
  subscribed(channelId: string, clientId: string): void;
  unsubscribed(channelId: string, clientId: string): void;
  /**
   * Routes a `message` frame to `to` on another node; false if `to` is online on no other node. The
   * frame is built only when it is routed. `lost` runs later if the node it went to turned out to be
   * gone (nobody listening on its topic): the sender then hears `peer_not_found` as on a single node.
   */
  send(channelId: string, to: string, frame: () => Buffer, lost: () => void): boolean;
  /**
   * 1.8 across nodes: moves a connection from its `prev` tags to `next`, the listener cap checked over
   * all nodes. Never rejects (with Redis unreachable the node admits on its own count and writes the
   * tags back when it reconnects). undefined on one node: the local registry is the whole truth.
   */
  retag(clientId: string, prev: TagSet, next: TagSet): Promise<RetagResult> | undefined;
  /** The connection's socket ended (or a retag answered after it did): it leaves `tags` everywhere. */
  untag(clientId: string, tags: Iterable<string>): void;
  /**
   * Routes a `message` frame to `to`, a rendezvous partner on another node sharing one of `tags` (not
   * both diallers); false if there is none. `lost` as for `send`.
   */
  sendTagged(
    tags: ReadonlySet<string>,
    dialTags: ReadonlySet<string>,
    to: string,
    frame: () => Buffer,
    lost: () => void,
  ): boolean;
  /** Whether the channel has subscribers on other nodes (a publish then goes to the bus too). */
  hasRemoteSubscribers(channelId: string): boolean;
  /** Routes a publish frame to the subscribers on other nodes (nothing when there are none). */
  publish(channelId: string, frame: Buffer): void;
  /** Subscribers of the channel on other nodes. */
  remoteSubscribers(channelId: string): Iterable<string>;
  /** Clients online in each channel across all nodes (`local` is this node's count). */
  onlineCounts(channelIds: readonly string[], local: (channelId: string) => number): Promise<number[]>;
  /**
   * Counts one event of `key` (e.g. a credential creation by an IP) in a window of `windowMs` shared by
   * all nodes; returns the count in the current window, or undefined when the bus does not share counters.
   */
  count(key: string, windowMs: number, now: number): Promise<number> | undefined;
  close(): Promise<void>;
}
