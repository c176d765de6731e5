// One relay connection and its state machine (docs/protocol.md, Part 1, "Connection states"):
//   awaiting_login --login ok--> ready --close/punt--> closed
//   awaiting_login --anything else, bad login, timeout--> closed (terminal refusal state)
// The login is the one store call on a socket's life: while it runs the socket is paused, and frames
// that were already read are held (bucket-limited) and handled in order once it is decided. Relayed
// messages never wait on the store.

import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Metrics } from '../admin/metrics.ts';
import { recordAuthFailure, verifyCredential } from '../auth.ts';
import type { Bus } from '../bus/types.ts';
import type { Limits } from '../config.ts';
import { closeCodeOf, type ErrorCode } from '../errors.ts';
import type { BanList } from '../limits/bans.ts';
import type { LoginLockout } from '../limits/ip-guard.ts';
import { TokenBucket } from '../limits/token-bucket.ts';
import type { Store } from '../store/types.ts';
import type { Holdable, WriteBatcher } from './cork.ts';
import { type ClientFrame, out, parseFrame } from './frames.ts';
import type { ChannelRegistry } from './registry.ts';
import { parseTags, type RendezvousRegistry, type TagList } from './rendezvous.ts';
import { messageHead, readCanonicalSend, splicedMessage, spliceOffset } from './splice.ts';

export interface RelayContext {
  limits: Limits;
  /** Shared by all connections of one relay: one write per socket per event-loop turn. */
  batcher: WriteBatcher;
  store: Store;
  registry: ChannelRegistry<Connection>;
  /** Other nodes (bus/types.ts); in-process by default, where every call is a no-op. */
  bus: Bus;
  /** Rendezvous tags of live connections on this node (1.8). */
  rendezvous: RendezvousRegistry<Connection>;
  metrics: Metrics;
  lockout: LoginLockout;
  /** Operator bans; a banned credential's login is refused with `banned` (docs/operators/admin.md). */
  bans: BanList;
  log: Logger;
  now(): number;
}

type State = 'awaiting_login' | 'ready' | 'closed';

const TEXT = { binary: false } as const;

export class Connection implements Holdable {
  state: State = 'awaiting_login';
  clientId = '';
  channelId = '';
  /** When the login was accepted (epoch ms): across nodes the newer login of a client wins. */
  loginAt = 0;
  /** When the socket was accepted (epoch ms), for the admin listener's client list. */
  readonly connectedAt: number;
  /** Holds a reference on the bus's view of the channel, released at cleanup. */
  private onBus = false;
  /** Rendezvous tags this connection listens on (docs/protocol.md 1.8). */
  tags: ReadonlySet<string> = new Set();
  /** Of those, the tags it only dials (`~`, 1.8). */
  dialTags: ReadonlySet<string> = new Set();
  /** Start of every message frame this client sends, built once at login (splice.ts). */
  private messagePrefix = '';
  /** The write batcher's turn in which this socket was last corked (cork.ts). */
  heldTurn = -1;
  /** Cleared by each server ping, set by the pong; a socket still false at the next ping is dropped. */
  alive = true;
  private invalid = 0;
  /** Frames refused by the rate limit in a row. */
  private limited = 0;
  /** A login (store) or a tag list (bus) is being decided; frames read meanwhile wait in `early`. */
  private holding = false;
  /** A tag list is with the bus: if the socket ends meanwhile, the answer's tags leave the bus then. */
  private retagging = false;
  private early: Array<[Buffer, boolean]> = [];
  private readonly bucket: TokenBucket;
  private loginTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly socket: Duplex,
    readonly ip: string,
    private readonly ctx: RelayContext,
  ) {
    this.connectedAt = ctx.now();
    this.bucket = new TokenBucket(ctx.limits.messageRate, ctx.limits.messageBurst, ctx.now());
    this.loginTimer = setTimeout(() => this.refuse('login_timeout'), ctx.limits.loginTimeoutMs);
    ws.on('message', (raw, isBinary) => this.onMessage(raw as Buffer, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
  }

  onMessage(raw: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const { metrics } = this.ctx;
    if (!this.bucket.take(this.ctx.now())) {
      metrics.reject('rate_limited');
      this.sendRaw(out.error('rate_limited'));
      // One that keeps sending into an empty bucket is cut: twice the burst refused in a row (1.7).
      if (++this.limited >= 2 * this.ctx.limits.messageBurst)
        this.end(closeCodeOf('rate_limited'), 'rate_limited');
      return;
    }
    this.limited = 0;
    if (this.holding) {
      this.early.push([raw, isBinary]);
      return;
    }
    this.handle(raw, isBinary);
  }

  private handle(raw: Buffer, isBinary: boolean): void {
    const { metrics } = this.ctx;
    if (isBinary) {
      this.invalidFrame(undefined);
      return;
    }
    // The common relayed frame, read from its bytes without a parse (splice.ts); any other frame,
    // valid or not, goes through parseFrame below.
    if (this.state === 'ready') {
      const canonical = readCanonicalSend(raw, this.ctx.limits.maxDataBytes);
      if (canonical) {
        metrics.frame('send');
        this.sendTo(canonical.to, undefined, raw, canonical.dataAt, '');
        return;
      }
    }
    const r = parseFrame(raw.toString(), this.ctx.limits.maxDataBytes);
    if (!r.ok) {
      if (r.code === 'invalid_message') {
        this.invalidFrame(r.ref);
        return;
      }
      metrics.reject(r.code);
      if (this.state === 'awaiting_login') {
        this.refuse('login_required', r.ref);
        return;
      }
      this.sendRaw(out.error(r.code, r.ref));
      return;
    }
    const f = r.frame;
    metrics.frame(f.type);
    if (this.state === 'awaiting_login') {
      if (f.type === 'login') this.login(f);
      else this.refuse('login_required', f.id);
      return;
    }
    switch (f.type) {
      case 'publish': {
        this.publish(f.data);
        return;
      }
      case 'send': {
        this.sendTo(f.to, f.id, raw, spliceOffset(raw, f.to), f.data);
        return;
      }
      case 'echo':
        this.sendRaw(out.echo(f.data, f.id));
        return;
      case 'subscribe': {
        this.subscribe(f.id);
        return;
      }
      case 'rendezvous': {
        this.listen(f.tags, f.id);
        return;
      }
      case 'login':
        // After login, only echo/subscribe/publish/send exist.
        this.answer('unsupported_type', f.id);
    }
  }

  private login(f: Extract<ClientFrame, { type: 'login' }>): void {
    const { ctx, ip } = this;
    const now = ctx.now();
    if (ctx.lockout.knownRemainingMs(ip, now) > 0) {
      this.refuse('locked_out', f.id);
      return;
    }
    const sessionId = f.sessionId;
    if (sessionId === undefined) {
      this.refuse('session_required', f.id);
      return;
    }
    this.hold();
    this.checkLogin(f, sessionId, now)
      .catch((err: Error) => {
        ctx.log.error({ event: 'store_error', op: 'login', err: err.message }, 'login failed on the store');
        this.refuse('internal_error', f.id);
      })
      .finally(() => this.resumeFrames());
  }

  private async checkLogin(f: Extract<ClientFrame, { type: 'login' }>, sessionId: string, now: number) {
    const { ctx, ip } = this;
    const [lockMs, cred] = await Promise.all([
      ctx.lockout.remainingMs(ip, now),
      verifyCredential(ctx.store, f.clientId, f.password, now),
    ]);
    if (this.state === 'closed') return;
    if (lockMs > 0) {
      this.refuse('locked_out', f.id);
      return;
    }
    // A credential is bound to the session it was issued for: another session is a failed login.
    if (!cred || cred.sessionId !== sessionId.toLowerCase()) {
      ctx.metrics.logins.labels('failed').inc();
      await recordAuthFailure({ ...ctx, lockoutMs: ctx.limits.lockoutMs }, ip, f.clientId, now);
      this.refuse('auth_failed', f.id);
      return;
    }
    const ban = ctx.bans.credential(cred.clientId, ctx.now());
    if (ban) {
      ctx.log.warn({ event: 'banned_login', ip, clientId: cred.clientId, until: ban.until }, 'banned');
      this.refuse('banned', f.id);
      return;
    }
    // With a bus, the node first follows the channel (other nodes' members known) so that the first
    // send after login_ok can reach them.
    const joining = ctx.bus.join(cred.channelId);
    if (joining) {
      await joining;
      // The socket may have ended while the bus was asked (TS cannot see that state change).
      if ((this.state as State) === 'closed') {
        ctx.bus.release(cred.channelId);
        return;
      }
    }
    this.onBus = true;
    clearTimeout(this.loginTimer);
    this.state = 'ready';
    this.clientId = cred.clientId;
    this.messagePrefix = messageHead(cred.clientId);
    this.channelId = cred.channelId;
    this.loginAt = ctx.now();
    ctx.metrics.logins.labels('ok').inc();
    ctx.registry.add(cred.channelId, cred.clientId, this)?.punt();
    // Other nodes learn of the login (and punt an older socket) before the client hears login_ok.
    const told = ctx.bus.online(cred.channelId, cred.clientId, this.loginAt);
    if (told) await told;
    this.sendRaw(out.loginOk(cred.clientId, cred.channelId, f.id));
  }

  /** Stops reading: frames already read wait in `early` until resumeFrames(). */
  private hold(): void {
    this.holding = true;
    this.ws.pause();
  }

  /** Resumes reading and handles the frames that arrived meanwhile (dropped if the socket ended). */
  private resumeFrames(): void {
    this.holding = false;
    const early = this.early;
    this.early = [];
    this.ws.resume();
    for (const [raw, isBinary] of early) {
      if (this.state === 'closed') return;
      this.handle(raw, isBinary);
    }
  }

  private subscribe(ref: string | undefined): void {
    const { registry, bus } = this.ctx;
    const peers: string[] = [];
    for (const c of registry.subscribers(this.channelId)) if (c !== this) peers.push(c.clientId);
    for (const id of bus.remoteSubscribers(this.channelId)) if (id !== this.clientId) peers.push(id);
    if (registry.subscribe(this.channelId, this)) {
      this.broadcast(out.presence('join', this.clientId));
      bus.subscribed(this.channelId, this.clientId);
    }
    this.sendRaw(out.peers(peers, ref));
  }

  /**
   * 1.8: replaces this connection's tags; tells the other listeners of each added / dropped tag. With
   * other nodes the bus checks the cap over all of them first; frames behind this one wait for it.
   */
  private listen(list: string, ref: string | undefined): void {
    const { rendezvous, bus } = this.ctx;
    const parsed = parseTags(list, this.ctx.limits.maxRendezvousTags);
    if (!parsed) {
      this.invalidFrame(ref);
      return;
    }
    if (!rendezvous.fits(this, parsed.tags)) {
      this.answer('rendezvous_full', ref);
      return;
    }
    const prev = { tags: this.tags, dial: this.dialTags };
    const asked = bus.retag(this.clientId, prev, parsed);
    if (!asked) {
      this.setTags(parsed, [], ref);
      return;
    }
    this.hold();
    this.retagging = true;
    void asked
      .then((res) => {
        this.retagging = false;
        if (this.state === 'closed') bus.untag(this.clientId, res.full ? prev.tags : parsed.tags);
        else if (res.full) this.answer('rendezvous_full', ref);
        else this.setTags(parsed, res.remote, ref);
      })
      .finally(() => this.resumeFrames());
  }

  /** Applies an admitted tag list here; `remote`: the partners on other nodes it sees now. */
  private setTags(parsed: TagList, remote: Array<{ tag: string; clientId: string }>, ref?: string): void {
    const { rendezvous } = this.ctx;
    const { added, removed } = rendezvous.replace(this, parsed.tags);
    for (const t of removed) rendezvous.announce(this, t, 'leave');
    this.tags = new Set(parsed.tags);
    this.dialTags = parsed.dial;
    for (const t of added) rendezvous.announce(this, t, 'join');
    this.sendRaw(out.rendezvousOk([...rendezvous.matches(this), ...remote], ref));
  }

  private publish(data: string): void {
    const t0 = performance.now();
    const { bus } = this.ctx;
    if (bus.hasRemoteSubscribers(this.channelId)) {
      const frame = Buffer.from(out.publish(this.clientId, data));
      this.broadcast(frame);
      bus.publish(this.channelId, frame);
    } else this.broadcast(out.publish(this.clientId, data));
    this.ctx.metrics.relayLatency.observe((performance.now() - t0) / 1000);
  }

  /**
   * Relays an accepted `send`. `dataAt`: where `raw`'s `<data>` can be spliced from (splice.ts), or -1,
   * then `data` (the parsed value) is serialised again.
   */
  private sendTo(to: string, ref: string | undefined, raw: Buffer, dataAt: number, data: string): void {
    const t0 = performance.now();
    // In the channel, or (1.8) a rendezvous partner on this node; else the bus; the same answer for an
    // unknown, offline, or other-channel client without a shared tag.
    const target =
      this.ctx.registry.find(this.channelId, to) ??
      (this.tags.size > 0 ? this.ctx.rendezvous.partner(this, to) : undefined);
    if (target?.state === 'ready') target.sendRaw(this.messageFrame(raw, dataAt, data));
    else {
      const { bus } = this.ctx;
      const frame = () => Buffer.from(this.messageFrame(raw, dataAt, data));
      const lost = () => this.answer('peer_not_found', ref);
      if (
        !bus.send(this.channelId, to, frame, lost) &&
        !(this.tags.size > 0 && bus.sendTagged(this.tags, this.dialTags, to, frame, lost))
      ) {
        this.answer('peer_not_found', ref);
        return;
      }
    }
    this.ctx.metrics.relayLatency.observe((performance.now() - t0) / 1000);
  }

  /**
   * An error frame that leaves the socket open: `peer_not_found` is the same answer whether `to` is
   * unknown, offline, online in another channel, or on a node that died.
   */
  private answer(code: 'peer_not_found' | 'rendezvous_full' | 'unsupported_type', ref?: string): void {
    this.ctx.metrics.reject(code);
    this.sendRaw(out.error(code, ref));
  }

  /** The same bytes out.message() builds, reusing the sender's `data` bytes when they can be (splice.ts). */
  private messageFrame(raw: Buffer, dataAt: number, data: string): string {
    return dataAt >= 0 ? splicedMessage(this.messagePrefix, raw, dataAt) : out.message(this.clientId, data);
  }

  /** Sends one frame to every other subscriber of this connection's channel on this node. */
  private broadcast(frame: string | Buffer): void {
    const subs = this.ctx.registry.subscribers(this.channelId);
    if (subs.size === 0 || (subs.size === 1 && subs.has(this))) return;
    const buf = typeof frame === 'string' ? Buffer.from(frame) : frame;
    for (const c of subs) if (c !== this) c.sendRaw(buf);
  }

  /** Queues a text frame; a socket whose send queue is over the bound is closed 1013 instead. */
  sendRaw(frame: string | Buffer): void {
    if (this.state === 'closed' || this.ws.readyState !== 1) return;
    if (this.ws.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
      this.ctx.metrics.reject('send_queue_full');
      this.end(closeCodeOf('send_queue_full'), 'send_queue_full');
      return;
    }
    this.ctx.batcher.hold(this);
    this.ws.send(frame, TEXT);
  }

  private invalidFrame(ref: string | undefined): void {
    // Before login a malformed frame is terminal (protocol.md 1.5); after it, the budget counts down.
    if (this.state === 'awaiting_login') {
      this.refuse('invalid_message', ref);
      return;
    }
    this.ctx.metrics.reject('invalid_message');
    this.sendRaw(out.error('invalid_message', ref));
    if (++this.invalid >= this.ctx.limits.maxInvalidFrames)
      this.end(closeCodeOf('invalid_message'), 'invalid_message');
  }

  /** Error frame, then close with the code's close code: the terminal refusal state. */
  refuse(code: ErrorCode, ref?: string): void {
    if (this.state === 'closed') return;
    this.ctx.metrics.reject(code);
    this.sendRaw(out.error(code, ref));
    this.end(closeCodeOf(code), code);
  }

  /** An older socket of the same credential and session loses to a new login. */
  punt(): void {
    this.sendRaw(out.punt);
    this.end(4409, 'punt');
  }

  /** Leaves the registry (telling subscribers), then closes the socket. Idempotent. */
  end(code: number, reason: string): void {
    this.cleanup();
    if (this.ws.readyState === 0 || this.ws.readyState === 1) this.ws.close(code, reason);
  }

  /** Called on close from either side. */
  cleanup(): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    clearTimeout(this.loginTimer);
    if (!wasReady) return;
    const { registry, bus } = this.ctx;
    if (this.tags.size > 0) {
      const { removed } = this.ctx.rendezvous.replace(this, []);
      for (const t of removed) this.ctx.rendezvous.announce(this, t, 'leave');
      if (!this.retagging) bus.untag(this.clientId, removed);
      this.tags = new Set();
      this.dialTags = new Set();
    }
    const subs = registry.subscribers(this.channelId);
    const removed = registry.remove(this.channelId, this.clientId, this);
    if (removed.subscribed) {
      const frame = Buffer.from(out.presence('leave', this.clientId));
      for (const c of subs) c.sendRaw(frame);
      bus.unsubscribed(this.channelId, this.clientId);
    }
    if (removed.online) bus.offline(this.channelId, this.clientId);
    if (this.onBus) {
      this.onBus = false;
      bus.release(this.channelId);
    }
  }
}
