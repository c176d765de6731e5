// SealpeerClient: one relay connection in one channel, and the sealed sessions over it
// (docs/protocol.md Part 2). Browser and Node: pass `WebSocket` from the `ws` package in Node.

import { ContactDialer } from './client/contacts.ts';
import {
  type ClientEvents,
  type ConnectOptions,
  type ContactOptions,
  deferred,
  hex,
  type Invite,
  type Pending,
  type ShownCode,
} from './client/options.ts';
import { Outbox } from './client/outbox.ts';
import { ready } from './crypto/sodium.ts';
import { frameToData } from './envelope/frame.ts';
import { dataToFrame, decodeBase64url, type Frame, FrameType, PairingPath } from './envelope/index.ts';
import { InviteError, RelayError, SessionError } from './errors/client-errors.ts';
import { ConnectError, reasonToByte, type SessionEndError, type SessionReason } from './errors/integrity.ts';
import { parseInviteUri } from './invite/payload.ts';
import {
  answerPake1,
  generateCode,
  pake1Nameplate,
  parseCode,
  type ShortCode,
  startCodeJoin,
} from './pairing/code.ts';
import { CodeTries, SenderRate } from './pairing/code-gate.ts';
import {
  answerInviteHello,
  helloInviteId,
  type IssuedInvite,
  issueInvite,
  startInviteScan,
} from './pairing/invite.ts';
import { answerKnownHello, type KnownPeer, startKnown } from './pairing/known.ts';
import type { ContactPeer } from './pairing/rendezvous.ts';
import { answerRequestHello, startRequest } from './pairing/request.ts';
import type { RelayMessage } from './relay/connection.ts';
import { createChannel } from './relay/http.ts';
import { RelayLink, type RelayState } from './relay/link.ts';
import type { TurnServers } from './relay/turn.ts';
import type { Session } from './session/session.ts';
import type { LocalKeys, SessionHost } from './session/types.ts';
import { Emitter } from './util/emitter.ts';

export type { ClientEvents, ConnectOptions, ContactOptions, Invite, ShownCode } from './client/options.ts';

export class SealpeerClient extends Emitter<ClientEvents> implements SessionHost {
  readonly server: string;
  readonly channelId: string;
  readonly local: LocalKeys;
  readonly handshakeTimeoutMs: number;
  readonly #relay: RelayLink;
  readonly #outbox: Outbox;
  readonly #opts: ConnectOptions;
  readonly #sessions = new Map<string, Session>();
  readonly #invites = new Map<string, IssuedInvite & Pending<Session> & ContactOptions & { live: number }>();
  readonly #codes = new Map<number, ShortCode & Pending<Session> & { tries: CodeTries }>();
  readonly #pake1Rate = new SenderRate();
  #strayCount = 0;
  #contacts: readonly KnownPeer[] = [];
  readonly #dialer: ContactDialer;
  #closing = false;
  /** Peers present in the channel (from subscribe + presence). */
  readonly peers = new Set<string>();

  private constructor(opts: ConnectOptions, relay: RelayLink, channelId: string) {
    super();
    this.#opts = opts;
    this.server = opts.server;
    this.channelId = channelId;
    this.local = opts.identity;
    this.handshakeTimeoutMs = opts.handshakeTimeoutMs ?? 30_000;
    this.#relay = relay;
    this.#outbox = new Outbox(relay, opts.sendQueueLimit);
    relay.on('message', (m) => this.#onRelayMessageSafely(m));
    relay.on('bad-frame', (why) => this.dropped({ from: '', data: '', via: 'message' }, 'malformed', why));
    relay.on('server-error', (code, ref) => {
      const sid = ref === undefined ? undefined : this.#outbox.sessionOf(ref);
      const s = sid === undefined ? undefined : this.#sessions.get(sid);
      if (!s || code !== 'peer_not_found') return;
      // 2.7: peer_not_found never ends an open (or `checking`) session, never an integrity verdict; its
      // peer is away (e.g. still reconnecting) and its frames wait for it (2.13).
      if (s.state === 'open' || s.state === 'checking') this.#outbox.notFound(ref!);
      else s._fail('peer_unreachable', 'the relay says the peer is not in the channel');
    });
    relay.on('presence', (ev, id) => {
      if (ev === 'join') {
        this.peers.add(id);
        this.#outbox.joined(id);
      } else {
        this.peers.delete(id);
        this.#outbox.left(id);
      }
    });
    this.#dialer = new ContactDialer({
      staticKeyPair: this.local.staticKeyPair,
      rendezvous: (tags) => relay.rendezvous(tags),
      presence: (peer, state) => this.emit('contact-presence', peer, state),
    });
    // Rendezvous partners (2.14) are reached across channels: their presence is the tag's, not the channel's.
    relay.on('rendezvous', (ev, tag, id) => {
      this.#dialer.onEvent(ev, tag, id);
      if (ev === 'join') this.#outbox.joined(id);
      else if (!this.peers.has(id)) this.#outbox.left(id);
    });
    relay.on('resumed', (present, partners) => {
      this.peers.clear();
      for (const p of present) this.peers.add(p);
      this.#outbox.resumed([...present, ...partners.map((m) => m.clientId)]);
      this.#dialer.resumed(partners);
    });
    relay.on('state', (state, err) => {
      if (state === 'reconnecting') this.#outbox.disconnected();
      this.emit('relay-state', state, err);
      if (state === 'offline') this.#onOffline(err ?? new RelayError('relay_offline', 'relay offline'));
    });
  }

  /** The relay is gone for good (2.13): what waits on it ends as "could not connect". */
  #onOffline(err: RelayError): void {
    for (const s of this.#sessions.values()) if (!s.terminal && s.state !== 'open') s._fail('closed');
    for (const key of [...this.#invites.keys()]) this.#dropInvite(key, 'closed');
    for (const [np, c] of [...this.#codes]) {
      this.#codes.delete(np);
      c.reject(err);
    }
    if (!this.#closing) this.emit('close', err);
  }

  /** Creates the channel if needed, gets a credential, logs in and subscribes. */
  static async connect(opts: ConnectOptions): Promise<SealpeerClient> {
    await ready();
    const channelId = opts.channelId ?? (await createChannel(opts.server, { public: false }, opts.fetch));
    const relay = await RelayLink.open({
      server: opts.server,
      channelId,
      sessionId: opts.sessionId ?? crypto.randomUUID(),
      WebSocket: opts.WebSocket,
      fetch: opts.fetch,
      pingIntervalMs: opts.pingIntervalMs,
      deadAfterMs: opts.deadAfterMs,
      reconnect: opts.reconnect,
    });
    const client = new SealpeerClient(opts, relay, channelId);
    for (const p of await relay.subscribe()) client.peers.add(p);
    return client;
  }

  /** Connects to the server and channel an invite names, then scans it. */
  static async joinInvite(uri: string, opts: Omit<ConnectOptions, 'server' | 'channelId'>) {
    const invite = parseInviteUri(uri);
    const client = await SealpeerClient.connect({
      ...opts,
      server: invite.server,
      channelId: invite.channelId,
    });
    return { client, session: client.acceptInvite(uri) };
  }

  get clientId(): string {
    return this.#relay.clientId;
  }

  /**
   * Short-lived TURN credentials from this relay server (GET /api/turn) for this client's credential, as
   * ICE servers; RelayError `relay_http_error` with serverCode `turn_disabled` when it has no TURN.
   */
  turnServers(): Promise<TurnServers> {
    return this.#relay.turnServers();
  }

  /** Frames dropped without effect so far (docs/protocol.md 2.8; each was reported as `stray`). */
  get strayCount(): number {
    return this.#strayCount;
  }

  /** `connected`, `reconnecting` (frames wait, 2.13) or `offline` (gave up; terminal). */
  get relayState(): RelayState {
    return this.#relay.state;
  }

  // ---- SessionHost ----
  relaySend(to: string, data: string, sessionId?: string): void {
    this.#outbox.push(to, data, sessionId);
  }
  relayPublish(data: string): void {
    this.#outbox.publish(data);
  }
  reserveSend(): void {
    if (this.#relay.state === 'offline') throw new RelayError('relay_offline', 'the relay is offline');
    this.#outbox.reserve();
  }
  checkpoints(): readonly string[] {
    if (this.#opts.checkpoints) return this.#opts.checkpoints();
    const one = this.#opts.checkpoint?.() ?? null;
    return one === null ? [] : [one];
  }
  /** The peer's keyshare checkpoints are checked before its session is reported open (2.6). */
  checkPeer(s: Session): Promise<void> | undefined {
    const { verifyPeerCheckpoints, verifyPeerCheckpoint } = this.#opts;
    if (!verifyPeerCheckpoints && !(verifyPeerCheckpoint && s.peerCheckpoint !== null)) return undefined;
    return (async () => {
      if (verifyPeerCheckpoints) await verifyPeerCheckpoints(s.peerCheckpoints, s);
      if (verifyPeerCheckpoint && s.peerCheckpoint !== null) await verifyPeerCheckpoint(s.peerCheckpoint, s);
    })();
  }
  dropped(m: RelayMessage, reason: SessionReason, detail: string): void {
    this.#strayCount++;
    this.emit('stray', m, reason, detail);
  }
  renameSession(oldId: string, s: Session): void {
    if (this.#sessions.get(oldId) === s) this.#sessions.delete(oldId);
    this.#sessions.set(s.id, s);
  }

  // ---- pairing paths ----

  /** Path 1, inviter: a one-time invite for this channel (default expiry 10 min). */
  createInvite(o: { appOrigin?: string; ttlMs?: number } & ContactOptions = {}): Invite {
    const inv = issueInvite(this, { server: this.server, ...o });
    const d = deferred<Session>();
    const key = hex(inv.inviteId);
    this.#invites.set(key, { ...inv, resolve: d.resolve, reject: d.reject, contactId: o.contactId, live: 0 });
    const ms = inv.payload.expiresAt * 1000 - Date.now();
    const timer = setTimeout(() => this.#dropInvite(key, 'invite_expired'), Math.max(0, ms));
    d.promise.finally(() => clearTimeout(timer)).catch(() => {});
    return {
      uri: inv.uri,
      payload: inv.payload,
      expiresAt: new Date(inv.payload.expiresAt * 1000),
      session: d.promise,
      cancel: () => this.#dropInvite(key, 'closed'),
    };
  }

  #dropInvite(key: string, reason: SessionReason): void {
    const inv = this.#invites.get(key);
    if (!inv) return;
    this.#invites.delete(key);
    if (inv.used) return;
    inv.reject(
      reason === 'invite_expired'
        ? new InviteError('invite_expired', 'the invite expired before anyone used it')
        : new SessionError('session_closed', `invite ended: ${reason}`),
    );
  }

  /** Path 1, scanner: pairs with the inviter named by `uri` (this client must be in its channel). */
  acceptInvite(uri: string, o: ContactOptions = {}): Promise<Session> {
    const invite = parseInviteUri(uri);
    if (invite.channelId !== this.channelId)
      throw new SessionError(
        'bad_argument',
        'the invite is for another channel: use SealpeerClient.joinInvite',
      );
    return this.#track(startInviteScan(this, invite), o.contactId).opened;
  }

  /** Path 2, shower: a short code for the other device to type (one try). */
  showCode(): ShownCode {
    let sc = generateCode();
    while (this.#codes.has(sc.nameplate)) sc = generateCode();
    const d = deferred<Session>();
    this.#codes.set(sc.nameplate, { ...sc, resolve: d.resolve, reject: d.reject, tries: new CodeTries() });
    return {
      code: sc.code,
      session: d.promise,
      cancel: () => {
        if (this.#codes.delete(sc.nameplate)) d.reject(new SessionError('session_closed', 'code cancelled'));
      },
    };
  }

  /** Path 2, joiner: pairs using the code shown on the other device. */
  joinWithCode(code: string): Promise<Session> {
    return this.#track(startCodeJoin(this, parseCode(code))).opened;
  }

  /** Path 3, initiator: a fresh Noise KK session with a known contact. */
  async connectKnown(peer: KnownPeer & { clientId: string } & ContactOptions): Promise<Session> {
    if (this.#opts.trustStore && peer.contactId !== undefined)
      await this.#opts.trustStore.requireSessionAllowed(peer.contactId, {
        ed25519: peer.identityKey,
        x25519: peer.staticKey,
      });
    return this.#track(startKnown(this, peer)).opened;
  }

  /** Path 3, responder: the contacts whose KK sessions this device answers. */
  acceptKnown(contacts: readonly KnownPeer[]): void {
    this.#contacts = [...contacts];
  }

  // ---- known contacts across channels (2.14) ----

  /** Listens on the rendezvous tags of exactly these contacts (and its inbox if `acceptRequests`). */
  listenContacts(contacts: readonly ContactPeer[], o: { acceptRequests?: boolean } = {}): Promise<void> {
    return this.#dialer.listen(contacts, o);
  }

  /** Whether a contact listened for is online now (its rendezvous partner is connected). */
  contactOnline(peer: Pick<KnownPeer, 'staticKey'>): boolean {
    return this.#dialer.online(peer);
  }

  /** Path 3 to a contact listened for, through the rendezvous; `contact_offline` if it is not online. */
  async connectContact(peer: ContactPeer): Promise<Session> {
    const route = this.#dialer.pairRoute(peer);
    if (this.#opts.trustStore && peer.contactId !== undefined)
      await this.#opts.trustStore.requireSessionAllowed(peer.contactId, {
        ed25519: peer.identityKey,
        x25519: peer.staticKey,
      });
    return this.#track(startKnown(this, { ...peer, clientId: route.clientId }, route.context)).opened;
  }

  /**
   * Path 4: a contact request to a key found on a keyshare, through its inbox (the callee accepts or
   * declines once the session is open). `contact_offline` if it does not listen for requests now.
   */
  async requestContact(peer: ContactPeer): Promise<Session> {
    return (await this.startContactRequest(peer)).opened;
  }

  /** requestContact, resolving with the session as soon as its HELLO is sent (before it is open). */
  async startContactRequest(peer: ContactPeer): Promise<Session> {
    const route = await this.#dialer.requestRoute(peer);
    return this.#track(startRequest(this, { ...peer, clientId: route.clientId }, route.context));
  }

  sessions(): Session[] {
    return [...this.#sessions.values()];
  }

  /** Closes every session (BYE) and the relay connection; no 'close' event for this. */
  close(): void {
    this.#closing = true;
    for (const s of this.#sessions.values()) s.close();
    this.#relay.close();
  }

  #track(s: Session, qrContactId?: string): Session {
    this.#sessions.set(s.id, s);
    s.opened.then(
      // A trust store that fails leaves the contact unrecorded; the session itself is unaffected.
      () => this.#afterOpen(s, qrContactId).catch(() => {}),
      () => {},
    );
    return s;
  }

  /** Trust store record (QR pairings count as verified). */
  async #afterOpen(s: Session, qrContactId: string | undefined): Promise<void> {
    const key = s.peerPublicIdentity!;
    if (this.#opts.trustStore && qrContactId !== undefined) {
      const r = await this.#opts.trustStore.observe(qrContactId, key);
      if (r.sessionAllowed) await this.#opts.trustStore.markVerified(qrContactId, key, 'qr');
    }
  }

  #abort(to: string, sid: Uint8Array, reason: SessionReason): void {
    this.relaySend(
      to,
      frameToData({ type: FrameType.ABORT, sid, counter: 0n, body: new Uint8Array([reasonToByte(reason)]) }),
    );
  }

  /** 2.8 "Relay input": a bug while handling one relay frame drops that frame; nothing escapes. */
  #onRelayMessageSafely(m: RelayMessage): void {
    try {
      this.#onRelayMessage(m);
    } catch (e) {
      try {
        this.dropped(m, 'malformed', `frame handler failed: ${(e as Error)?.message}`);
      } catch {}
    }
  }

  #onRelayMessage(m: RelayMessage): void {
    let frame: Frame;
    try {
      frame = dataToFrame(m.data);
    } catch {
      const bytes = decodeBase64url(m.data);
      const reason = bytes && bytes.length >= 1 && bytes[0] !== 1 ? 'bad_version' : 'malformed';
      this.dropped(m, reason, 'undecodable frame');
      return;
    }
    const known = this.#sessions.get(hex(frame.sid));
    if (known) {
      known._receive(m, frame);
      return;
    }
    if (m.via === 'publish') {
      if (frame.type === FrameType.PAKE1) {
        this.#onPake1(m, frame);
        return;
      }
      this.dropped(m, 'wrong_session', 'broadcast frame for no session');
      return;
    }
    if (frame.type === FrameType.HELLO) {
      this.#onHello(m, frame);
      return;
    }
    // A frame for no session (another member's, an older session's, or a sid altered on the way):
    // it proves nothing about any session (2.8).
    this.dropped(m, 'wrong_session', 'frame for no session');
  }

  #onHello(m: RelayMessage, frame: Frame): void {
    const path = frame.body[0];
    if (frame.counter !== 0n) {
      this.dropped(m, 'counter_gap', 'HELLO with a non-zero counter');
      return;
    }
    if (path === PairingPath.INVITE) {
      this.#onInviteHello(m, frame);
      return;
    }
    if (path === PairingPath.KNOWN || path === PairingPath.REQUEST) {
      // A rendezvous partner (2.14) is read against its tag's contact only, with the tag in the prologue;
      // a request only from a client on this device's inbox.
      const pair = this.#dialer.pairOf(m.from);
      const inbox = this.#dialer.inboxOf(m.from);
      const s =
        path === PairingPath.REQUEST
          ? inbox === undefined
            ? undefined
            : answerRequestHello(this, m, frame, inbox)
          : pair
            ? answerKnownHello(this, [pair.peer], m, frame, pair.context)
            : answerKnownHello(this, this.#contacts, m, frame);
      if (!s) {
        this.emit('refused', 'unknown_peer', m.from);
        this.#abort(m.from, frame.sid, 'unknown_peer');
        return;
      }
      this.#track(s);
      this.emit('session', s);
      return;
    }
    this.dropped(m, 'unexpected_type', 'HELLO for no session');
  }

  /**
   * Path 1 (2.7): a HELLO starts an attempt; the invite is marked used only when the scanner's CONFIRM
   * verified. A forged HELLO cannot finish and spends nothing: an attempt that fails before that is only
   * `refused` and the invite stays open. Once CONFIRM verified the attempt is proven and the invite spent;
   * if that attempt still fails (e.g. `checkpoint_rejected` for a split view while `checking`), the
   * invite's session promise rejects with that error.
   */
  #onInviteHello(m: RelayMessage, frame: Frame): void {
    const id = helloInviteId(frame);
    const inv = id && this.#invites.get(hex(id));
    const reason: SessionReason | undefined = !inv
      ? 'invite_unknown'
      : inv.used || inv.live >= MAX_INVITE_ATTEMPTS
        ? 'invite_used'
        : inv.payload.expiresAt * 1000 <= Date.now()
          ? 'invite_expired'
          : undefined;
    if (reason || !inv) {
      this.emit('refused', reason ?? 'invite_unknown', m.from);
      this.#abort(m.from, frame.sid, reason ?? 'invite_unknown');
      return;
    }
    inv.live++;
    const s = this.#track(answerInviteHello(this, inv, m, frame), inv.contactId);
    let confirmed = false;
    let spent = false;
    s.once('confirmed', () => {
      confirmed = true;
      inv.live--;
      if (inv.used) {
        s._fail('invite_used', 'another scanner used the invite first');
        return;
      }
      inv.used = true;
      spent = true;
    });
    s.opened.then(
      () => {
        inv.resolve(s);
        this.emit('session', s);
      },
      (err: SessionEndError) => {
        if (spent) {
          inv.reject(err);
          return;
        }
        if (!confirmed) inv.live--;
        this.emit('refused', err.reason, m.from);
      },
    );
  }

  /**
   * Path 2, shower (2.7): answers a PAKE1 within the bounds of ./pairing/code-gate.ts. A failed attempt
   * only takes one try; the code ends when one attempt opens or all tries failed.
   */
  #onPake1(m: RelayMessage, frame: Frame): void {
    if (frame.counter !== 0n) {
      this.dropped(m, 'counter_gap', 'PAKE1 with a non-zero counter');
      return;
    }
    const np = pake1Nameplate(frame);
    const sc = this.#codes.get(np);
    if (!sc) {
      this.dropped(m, 'wrong_session', 'PAKE1 for another nameplate');
      return;
    }
    const refused =
      sc.tries.refuse(m.from) ?? (this.#pake1Rate.take(m.from) ? undefined : 'sender over its rate');
    if (refused) {
      this.dropped(m, 'unexpected_type', `PAKE1 not answered: ${refused}`);
      return;
    }
    const attempt = answerPake1(this, sc, m, frame);
    if (!attempt) {
      this.dropped(m, 'handshake_failed', 'PAKE1 refused by CPace');
      return;
    }
    sc.tries.take(m.from);
    const s = this.#track(attempt);
    // As for invites: the code is spent when the joiner's CONFIRM verified; a failure after that (e.g.
    // `checkpoint_rejected` while `checking`) rejects the shown code's session promise.
    let spent = false;
    s.once('confirmed', () => {
      if (this.#codes.get(np) !== sc) {
        s._fail('attempts_exhausted', 'the code already paired or ended');
        return;
      }
      this.#codes.delete(np);
      spent = true;
    });
    s.opened.then(
      () => {
        sc.resolve(s);
        this.emit('session', s);
      },
      (err: SessionEndError) => {
        if (spent) {
          sc.reject(err);
          return;
        }
        this.emit('refused', err.reason, m.from);
        if (sc.tries.failed() && this.#codes.get(np) === sc) {
          this.#codes.delete(np);
          sc.reject(new ConnectError('attempts_exhausted', 'every try of this code failed'));
        }
      },
    );
  }
}

/** Concurrent attempts one invite answers (2.7). */
const MAX_INVITE_ATTEMPTS = 4;
