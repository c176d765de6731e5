// WebSocket client for the relay's /ws protocol (docs/protocol.md Part 1). Runs in browsers (global
// WebSocket) and Node (pass the `ws` package's WebSocket as `WebSocket`). Every server frame is validated
// before it is used. One socket, one login; a dead socket is noticed by an app-level `echo` ping
// (browsers cannot send WebSocket pings) and ends the connection with `relay_timeout` (2.13). Reconnecting
// is relay/link.ts's job.
import { RelayError } from '../errors/client-errors.ts';
import { Emitter } from '../util/emitter.ts';
import { isRelayId, isRelayIdList } from './validate.ts';

/** The subset of the WHATWG WebSocket API used here (browsers' WebSocket and `ws` both provide it). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: never) => void): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface RelayMessage {
  from: string;
  data: string;
  /** 'message' for a direct `send`, 'publish' for a channel broadcast. */
  via: 'message' | 'publish';
}

export type RelayEvents = {
  message: [RelayMessage];
  presence: ['join' | 'leave', string];
  /** A contact's connection joined or left a rendezvous tag this connection listens on (1.8). */
  rendezvous: ['join' | 'leave', string, string];
  /** An error frame from the server (e.g. peer_not_found), with the `ref` of the frame that caused it. */
  'server-error': [string, string | undefined];
  close: [RelayError];
  /** A relay frame dropped at the boundary (src/relay/validate.ts), with what was wrong. */
  'bad-frame': [string];
};

export interface RelayLogin {
  url: string;
  clientId: string;
  password: string;
  sessionId: string;
  WebSocket?: WebSocketCtor;
  /** Milliseconds to wait for login_ok (default 10 000). */
  timeoutMs?: number;
  /** Liveness (docs/protocol.md 2.13): an `echo` ping every `pingIntervalMs` (default 2 000)… */
  pingIntervalMs?: number;
  /** …and the socket counts as dead when nothing arrived for `deadAfterMs` (default 5 000). */
  deadAfterMs?: number;
}

export const DEFAULT_PING_INTERVAL_MS = 2_000;
export const DEFAULT_DEAD_AFTER_MS = 5_000;

const OPEN = 1;
const MAX_FRAME_CHARS = 64 * 1024;

function parseServerFrame(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_FRAME_CHARS) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Another connection listening on one of our rendezvous tags (1.8). */
export interface RendezvousMatch {
  tag: string;
  clientId: string;
}
interface Pending<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

function isMatch(v: unknown): v is RendezvousMatch {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return isStr(o.tag) && isStr(o.clientId);
}

export class RelayConnection extends Emitter<RelayEvents> {
  readonly clientId: string;
  channelId = '';
  #ws: WebSocketLike;
  #closed = false;
  #nextId = 0;
  #pendingPeers: Array<{ resolve: (peers: string[]) => void; reject: (e: RelayError) => void }> = [];
  #lastSeen = Date.now();
  #unanswered = 0;
  #liveness: ReturnType<typeof setInterval> | undefined;
  /** rendezvous frame id → its answer (1.8). */
  readonly #pendingTags = new Map<string, Pending<RendezvousMatch[]>>();

  private constructor(ws: WebSocketLike, clientId: string) {
    super();
    this.#ws = ws;
    this.clientId = clientId;
  }

  /** Pings with `echo` and ends a connection that stayed silent for `deadAfterMs` (2.13). */
  #startLiveness(pingMs: number, deadMs: number): void {
    this.#lastSeen = Date.now();
    this.#liveness = setInterval(() => {
      // Two pings must have gone unanswered too: after a long pause of this process (timers run before
      // the I/O that queued meanwhile) a stale `lastSeen` alone does not mean the socket died.
      if (Date.now() - this.#lastSeen > deadMs && this.#unanswered >= 2) {
        const secs = Math.round(deadMs / 1000);
        this.#onClose(undefined, new RelayError('relay_timeout', `the relay did not answer for ${secs} s`));
        return;
      }
      try {
        this.#write({ type: 'echo', data: 'ping' });
        this.#unanswered++;
      } catch {}
    }, pingMs);
    (this.#liveness as { unref?: () => void }).unref?.();
  }

  /** Opens the socket, logs in, and resolves once the server answered login_ok. */
  static open(o: RelayLogin): Promise<RelayConnection> {
    const Ctor = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!Ctor)
      throw new RelayError('relay_unreachable', 'no WebSocket implementation: pass the `ws` package');
    let ws: WebSocketLike;
    try {
      ws = new Ctor(o.url);
    } catch (e) {
      throw new RelayError('relay_unreachable', `cannot open ${o.url}: ${(e as Error).message}`);
    }
    const conn = new RelayConnection(ws, o.clientId);
    return new Promise<RelayConnection>((resolve, reject) => {
      let settled = false;
      const fail = (err: RelayError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          ws.close();
        } catch {}
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new RelayError('relay_unreachable', 'no login answer from the relay in time')),
        o.timeoutMs ?? 10_000,
      );
      ws.addEventListener('open', () => {
        ws.send(
          JSON.stringify({
            type: 'login',
            clientId: o.clientId,
            password: o.password,
            sessionId: o.sessionId,
          }),
        );
      });
      ws.addEventListener('error', () =>
        fail(new RelayError('relay_unreachable', `cannot connect to ${o.url}`)),
      );
      ws.addEventListener('close', (ev: { code?: number }) => {
        if (!settled) fail(new RelayError('relay_closed', `relay closed the connection (${ev.code ?? '?'})`));
        else conn.#onClose(ev.code);
      });
      ws.addEventListener('message', (ev: { data?: unknown }) => {
        // A socket given up on (e.g. declared dead) may still deliver late frames: they are not ours.
        if (conn.#closed) return;
        conn.#lastSeen = Date.now();
        conn.#unanswered = 0;
        const f = parseServerFrame(typeof ev.data === 'string' ? ev.data : String(ev.data));
        if (!settled) {
          if (f?.type === 'login_ok' && isRelayId(f.channelId)) {
            settled = true;
            clearTimeout(timer);
            conn.channelId = f.channelId;
            conn.#startLiveness(
              o.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
              o.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
            );
            resolve(conn);
          } else if (f?.type === 'error') {
            const code = isStr(f.code) ? f.code : 'unknown';
            fail(new RelayError('relay_refused', `relay refused the login (${code})`, code));
          }
          return;
        }
        try {
          conn.#onFrame(f);
        } catch {} // 2.8 "Relay input": a bug while handling a frame drops it, never escapes
      });
    });
  }

  #onFrame(f: Record<string, unknown> | undefined): void {
    if (!f) return; // a relay sending garbage cannot make us act; sealed layer catches the rest
    switch (f.type) {
      case 'message':
      case 'publish':
        // A non-string `data` is passed on as '' so the sealed layer refuses it (`malformed`) instead of
        // the frame silently vanishing.
        if (isRelayId(f.from))
          this.emit('message', { from: f.from, data: isStr(f.data) ? f.data : '', via: f.type });
        else this.emit('bad-frame', `${f.type} with an invalid from`);
        return;
      case 'peers':
        if (isRelayIdList(f.peers)) this.#pendingPeers.shift()?.resolve(f.peers);
        return;
      case 'presence':
        if ((f.event === 'join' || f.event === 'leave') && isRelayId(f.clientId))
          this.emit('presence', f.event, f.clientId);
        return;
      case 'rendezvous_ok': {
        const p = isStr(f.ref) ? this.#pendingTags.get(f.ref) : undefined;
        if (!p || !Array.isArray(f.matches) || !f.matches.every(isMatch)) return;
        this.#pendingTags.delete(f.ref as string);
        p.resolve(f.matches.map((m) => ({ tag: m.tag, clientId: m.clientId })));
        return;
      }
      case 'rendezvous':
        if ((f.event === 'join' || f.event === 'leave') && isStr(f.tag) && isStr(f.clientId))
          this.emit('rendezvous', f.event, f.tag, f.clientId);
        return;
      case 'punt':
        this.#onClose(4409, new RelayError('relay_punted', 'another login with this credential took over'));
        return;
      case 'error': {
        const p = isStr(f.ref) ? this.#pendingTags.get(f.ref) : undefined;
        if (p) {
          this.#pendingTags.delete(f.ref as string);
          const code = isStr(f.code) ? f.code : 'unknown';
          p.reject(new RelayError('relay_refused', `relay refused the rendezvous tags (${code})`, code));
          return;
        }
        this.emit('server-error', isStr(f.code) ? f.code : 'unknown', isStr(f.ref) ? f.ref : undefined);
        return;
      }
      default:
        return;
    }
  }

  #onClose(code?: number, err?: RelayError): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#liveness);
    try {
      // `ws` in Node: terminate() does not wait for a close handshake a dead peer never answers.
      const ws = this.#ws as WebSocketLike & { terminate?: () => void };
      if (ws.terminate) ws.terminate();
      else ws.close();
    } catch {}
    const e =
      err ??
      new RelayError('relay_closed', `relay connection closed (${code ?? '?'})`, operatorCloseCode(code));
    for (const p of this.#pendingPeers.splice(0)) p.reject(e);
    for (const p of this.#pendingTags.values()) p.reject(e);
    this.#pendingTags.clear();
    this.emit('close', e);
  }

  get open(): boolean {
    return !this.#closed && this.#ws.readyState === OPEN;
  }

  #write(frame: Record<string, unknown>): string {
    if (!this.open) throw new RelayError('relay_closed', 'the relay connection is closed');
    const id = `c${++this.#nextId}`;
    this.#ws.send(JSON.stringify({ ...frame, id }));
    return id;
  }

  /** subscribe → the clientIds already in the channel. */
  subscribe(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.#write({ type: 'subscribe' });
      this.#pendingPeers.push({ resolve, reject });
    });
  }

  /** Direct message; returns the frame id (server errors carry it as `ref`). */
  send(to: string, data: string): string {
    return this.#write({ type: 'send', to, data });
  }

  /** Listens on exactly these rendezvous tags (1.8) → the other connections on them now. */
  rendezvous(tags: readonly string[]): Promise<RendezvousMatch[]> {
    return new Promise((resolve, reject) => {
      const id = this.#write({ type: 'rendezvous', tags: tags.join(',') });
      this.#pendingTags.set(id, { resolve, reject });
    });
  }

  /** Broadcast to the other subscribers of the channel. */
  publish(data: string): string {
    return this.#write({ type: 'publish', data });
  }

  close(): void {
    this.#onClose(1000);
  }
}

/**
 * The server code behind an operator's close (docs/protocol.md, "Operator closes"): 4410 `kicked`
 * (reconnecting is fine), 4403 `banned` and 4404 `channel_purged` (reconnecting cannot succeed).
 */
function operatorCloseCode(code: number | undefined): string | undefined {
  if (code === 4410) return 'kicked';
  if (code === 4403) return 'banned';
  if (code === 4404) return 'channel_purged';
  return undefined;
}
