// A relay connection that comes back (docs/protocol.md 2.13): it holds the credential of one relay
// session (channel, sessionId → a stable clientId, Part 1 §1.2), notices a dead socket (connection.ts),
// reconnects with exponential backoff and jitter, logs in again with the same credential — or, when the
// server refuses it (`auth_failed`: rotated or expired), fetches a fresh one for the same sessionId —
// and subscribes again if it was subscribed. States: connected → reconnecting → connected, or offline
// (terminal: gave up, taken over by another login, credential lost, or close()).
import { RelayError } from '../errors/client-errors.ts';
import { Emitter } from '../util/emitter.ts';
import {
  RelayConnection,
  type RelayEvents,
  type RelayMessage,
  type RendezvousMatch,
  type WebSocketCtor,
} from './connection.ts';
import { type Credential, type FetchLike, getCredential, wsUrl } from './http.ts';
import { getTurnServers, type TurnServers } from './turn.ts';

export type RelayState = 'connected' | 'reconnecting' | 'offline';

export interface ReconnectOptions {
  /** First retry delay in ms (default 250); doubles per failed attempt… */
  minDelayMs?: number;
  /** …up to this (default 15 000). Each delay is drawn uniformly from [delay/2, delay] (jitter). */
  maxDelayMs?: number;
  /** Give up (state `offline`) after this many ms without a connection (default: keep trying). */
  giveUpAfterMs?: number;
}

export interface RelayLinkOptions {
  server: string;
  channelId: string;
  sessionId: string;
  WebSocket?: WebSocketCtor;
  fetch?: FetchLike;
  /** Liveness ping interval and silence limit, see connection.ts (defaults 2 000 / 5 000 ms). */
  pingIntervalMs?: number;
  deadAfterMs?: number;
  reconnect?: ReconnectOptions;
  /** Source of jitter in [0, 1) (tests). */
  random?: () => number;
}

export type RelayLinkEvents = Omit<RelayEvents, 'close'> & {
  /** The relay state changed; `offline` carries why (terminal). `reconnecting` carries what was lost. */
  state: [RelayState, RelayError | undefined];
  /**
   * Logged in again (and subscribed again if it was, and listening on its rendezvous tags again): the
   * peers present now, and the rendezvous partners on its tags now (1.8).
   */
  resumed: [string[], RendezvousMatch[]];
};

export class RelayLink extends Emitter<RelayLinkEvents> {
  readonly clientId: string;
  readonly channelId: string;
  #o: RelayLinkOptions;
  #cred: Credential;
  #conn: RelayConnection;
  #state: RelayState = 'connected';
  #subscribed = false;
  /** The rendezvous tags to listen on again after a reconnect (the relay forgets them with the socket). */
  #tags: readonly string[] | undefined;
  #lostAt = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Presence events that arrive while a re-login waits for its `peers` answer: they came after that
   * answer on the socket, but the answer resolves a promise (a later microtask), so they are passed on
   * only after `resumed`, in their order.
   */
  #held: Array<['join' | 'leave', string]> | undefined;

  private constructor(o: RelayLinkOptions, cred: Credential, conn: RelayConnection) {
    super();
    this.#o = o;
    this.#cred = cred;
    this.clientId = cred.clientId;
    this.channelId = conn.channelId;
    this.#conn = conn;
    this.#attach(conn);
  }

  /** Gets a credential and logs in; the first login must succeed (its error is thrown). */
  static async open(o: RelayLinkOptions): Promise<RelayLink> {
    const cred = await getCredential(o.server, o.channelId, o.sessionId, o.fetch);
    return new RelayLink(o, cred, await RelayLink.#login(o, cred));
  }

  static #login(o: RelayLinkOptions, cred: Credential): Promise<RelayConnection> {
    return RelayConnection.open({
      url: wsUrl(o.server),
      clientId: cred.clientId,
      password: cred.password,
      sessionId: cred.sessionId,
      WebSocket: o.WebSocket,
      pingIntervalMs: o.pingIntervalMs,
      deadAfterMs: o.deadAfterMs,
    });
  }

  get state(): RelayState {
    return this.#state;
  }

  /** Logged in now (frames can be written). */
  get open(): boolean {
    return this.#state === 'connected' && this.#conn.open;
  }

  #attach(conn: RelayConnection): void {
    conn.on('message', (m: RelayMessage) => {
      if (conn === this.#conn) this.emit('message', m);
    });
    conn.on('presence', (ev, id) => {
      if (conn !== this.#conn) return;
      if (this.#held) this.#held.push([ev, id]);
      else this.emit('presence', ev, id);
    });
    conn.on('bad-frame', (why) => {
      if (conn === this.#conn) this.emit('bad-frame', why);
    });
    conn.on('rendezvous', (ev, tag, id) => {
      if (conn === this.#conn && !this.#held) this.emit('rendezvous', ev, tag, id);
    });
    conn.on('server-error', (code, ref) => {
      if (conn === this.#conn) this.emit('server-error', code, ref);
    });
    conn.on('close', (err) => {
      if (conn === this.#conn) this.#lost(err);
    });
  }

  #setState(s: RelayState, err?: RelayError): void {
    if (this.#state === s) return;
    this.#state = s;
    this.emit('state', s, err);
  }

  #lost(err: RelayError): void {
    if (this.#state === 'offline') return;
    if (err.code === 'relay_punted') {
      // Another login with this credential took over: reconnecting would punt it back, forever.
      this.#giveUp(new RelayError('relay_offline', 'another login with this credential took over'));
      return;
    }
    if (err.serverCode === 'banned' || err.serverCode === 'channel_purged') {
      // The operator banned this client or deleted its channel: every reconnect would be refused.
      const why =
        err.serverCode === 'banned'
          ? 'banned by the relay operator'
          : 'channel deleted by the relay operator';
      this.#giveUp(new RelayError('relay_offline', why, err.serverCode));
      return;
    }
    this.#held = undefined;
    if (this.#state === 'connected') {
      this.#lostAt = Date.now();
      this.#attempt = 0;
    }
    this.#setState('reconnecting', err);
    this.#schedule();
  }

  #giveUp(err: RelayError): void {
    clearTimeout(this.#timer);
    this.#setState('offline', err);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const r = this.#o.reconnect ?? {};
    const min = r.minDelayMs ?? 250;
    const max = r.maxDelayMs ?? 15_000;
    const cap = Math.min(max, min * 2 ** Math.min(this.#attempt, 30));
    const delay = cap / 2 + (cap / 2) * (this.#o.random ?? Math.random)();
    const giveUp = r.giveUpAfterMs ?? Number.POSITIVE_INFINITY;
    if (Date.now() + delay - this.#lostAt > giveUp) {
      this.#giveUp(
        new RelayError('relay_offline', `no relay connection for ${Math.round(giveUp / 1000)} s: gave up`),
      );
      return;
    }
    this.#attempt++;
    this.#timer = setTimeout(() => void this.#reconnect(), delay);
  }

  async #reconnect(): Promise<void> {
    try {
      let conn: RelayConnection;
      try {
        conn = await RelayLink.#login(this.#o, this.#cred);
      } catch (e) {
        if (!(e instanceof RelayError && e.serverCode === 'auth_failed')) throw e;
        // The credential was rotated or expired (Part 1 §1.2): a fresh one for the same sessionId.
        const fresh = await getCredential(
          this.#o.server,
          this.channelId,
          this.#cred.sessionId,
          this.#o.fetch,
        );
        if (fresh.clientId !== this.clientId) {
          // Expired and purged: the server made a new client; sealed sessions are bound to the old id.
          this.#giveUp(new RelayError('relay_offline', 'the relay forgot this client (credential expired)'));
          return;
        }
        this.#cred = fresh;
        conn = await RelayLink.#login(this.#o, fresh);
      }
      if (this.#state !== 'reconnecting') {
        conn.close(); // close() was called meanwhile
        return;
      }
      this.#conn = conn;
      this.#held = [];
      this.#attach(conn);
      const peers = this.#subscribed ? await conn.subscribe() : [];
      const partners = this.#tags ? await conn.rendezvous(this.#tags) : [];
      if (conn !== this.#conn || !conn.open) return; // lost again: #lost already rescheduled
      const held = this.#held ?? [];
      this.#held = undefined;
      this.#setState('connected');
      this.emit('resumed', peers, partners);
      for (const [ev, id] of held) this.emit('presence', ev, id);
    } catch {
      if (this.#state === 'reconnecting') this.#schedule();
    }
  }

  /** subscribe → the clientIds already in the channel; repeated after every reconnect. */
  subscribe(): Promise<string[]> {
    this.#subscribed = true;
    return this.#conn.subscribe();
  }

  /** Listens on exactly these rendezvous tags (1.8) → the partners on them now; repeated after every reconnect. */
  async rendezvous(tags: readonly string[]): Promise<RendezvousMatch[]> {
    this.#tags = [...tags];
    return this.open ? this.#conn.rendezvous(tags) : [];
  }

  /** Direct message; the frame id (server errors carry it as `ref`), or undefined when not connected. */
  send(to: string, data: string): string | undefined {
    return this.open ? this.#conn.send(to, data) : undefined;
  }

  /** Broadcast to the channel; false when not connected (nothing sent). */
  publish(data: string): boolean {
    if (!this.open) return false;
    this.#conn.publish(data);
    return true;
  }

  /** TURN credentials (GET /api/turn, Part 1 §1.2) issued for this link's relay credential. */
  turnServers(): Promise<TurnServers> {
    return getTurnServers(this.#o.server, this.#cred, this.#o.fetch);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#setState('offline', new RelayError('relay_offline', 'closed by the application'));
    this.#conn.close();
  }
}
