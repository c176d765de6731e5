// The sealed-session state machine (docs/protocol.md Part 2, 2.2, 2.7 and 2.8). One instance per `sid`.
// A frame that proves nothing (a stranger's, an unauthenticated one out of place) is dropped and counted;
// a refusal ends in the terminal `failed` state with a SignalingIntegrityError (proof of tampering) or a
// ConnectError (could not connect); once open, only a sealed message ends the session.
import {
  type Frame,
  FrameType,
  type FrameTypeValue,
  type Inner,
  InnerKind,
  type InnerKindValue,
  type PairingPathValue,
} from '../envelope/index.ts';
import { SessionError } from '../errors/client-errors.ts';
import {
  ConnectError,
  isIntegrityReason,
  reasonFromByte,
  reasonToByte,
  type SessionEndError,
  type SessionReason,
  SignalingIntegrityError,
  sessionEndError,
} from '../errors/integrity.ts';
import { type SafetyNumber, safetyNumber } from '../identity/fingerprint.ts';
import type { PublicIdentity } from '../identity/public-identity.ts';
import type { HandshakeState } from '../noise/index.ts';
import { PAKE2_GRACE_MS } from '../pairing/code-gate.ts';
import { checkConfirm, makeConfirm } from '../pairing/confirm.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Emitter } from '../util/emitter.ts';
import { connectWebRTC, type WebRTCLink, type WebRTCOptions } from '../webrtc/connect.ts';
import { HeldMessages } from './held-messages.ts';
import { SessionSealer } from './sealer.ts';
import type { Role, SessionHost, SessionState } from './types.ts';

export type SessionEvents = {
  /**
   * The peer's CONFIRM verified (2.7): the attempt is proven. Fires before `open`, also when the session
   * then stays `checking`; a listener may still refuse the session (e.g. an invite already spent).
   */
  confirmed: [];
  open: [];
  /** Application data sent with peer's `session.send()`. */
  message: [Uint8Array];
  /** WebRTC signaling (OFFER, ANSWER, CANDIDATE, END_OF_CANDIDATES, RENEGOTIATE), already unsealed. */
  signal: [InnerKindValue, Uint8Array];
  /** Proof of tampering ended the session (2.8). */
  'integrity-error': [SignalingIntegrityError];
  /** The session could not connect, or the peer ended it (2.8); never an integrity verdict. */
  'connect-failed': [ConnectError];
  /** The session ended: after BYE / close() (error undefined) or after a refusal. */
  close: [SessionEndError | undefined];
};

/** Hooks a pairing path plugs into the state machine. */
export interface PathDriver {
  /**
   * Joiner: checks a PAKE2 from `from` (2.7). Returns the HandshakeState and the new sid to continue
   * with, or the reason to drop the frame (its tag does not verify, or the sender is over its limit).
   */
  onPake2?(
    body: Uint8Array,
    from: string,
  ): { hs: HandshakeState; sid: Uint8Array } | { drop: SessionReason; detail: string };
  /** Wraps the first Noise message into a HELLO body. */
  helloBody(noiseMessage: Uint8Array): Uint8Array;
}

const toHexSid = (sid: Uint8Array): string =>
  Array.from(sid, (b) => b.toString(16).padStart(2, '0')).join('');

export class Session extends Emitter<SessionEvents> {
  #sid: Uint8Array;
  #id: string;
  readonly path: PairingPathValue;
  readonly role: Role;
  #peer: string | undefined;
  #state: SessionState;
  #host: SessionHost;
  #hs: HandshakeState | undefined;
  #driver: PathDriver;
  #sealer: SessionSealer;
  #expectedIdentity: Uint8Array | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Joiner: runs from the first PAKE2 whose tag failed until one verifies (2.7, `wrong_code`). */
  #grace: ReturnType<typeof setTimeout> | undefined;
  #error: SessionEndError | undefined;
  /** APP messages until the first 'message' listener (2.11). */
  #held = new HeldMessages();
  /**
   * Every inner message that arrived while `checking` (2.8), delivered once open on a later task, after
   * the code awaiting `opened` attached its listeners, and in order with the ones that follow.
   */
  #checkHold = new HeldMessages<Inner>((run) => setTimeout(run, 0));
  #openPromise: Promise<Session>;
  #resolveOpen!: (s: Session) => void;
  #rejectOpen!: (e: Error) => void;
  /** Peer's Ed25519 identity key, once CONFIRM verified. */
  peerIdentityKey: Uint8Array | undefined;
  /** Peer's X25519 static key, once the handshake authenticated it. */
  peerStaticKey: Uint8Array | undefined;
  /** Peer's keyshare checkpoints from CONFIRM, one per log (empty when it sent none). */
  peerCheckpoints: readonly string[] = [];
  /** 60-digit safety number of this device and the peer (same on both sides), once open. */
  safetyNumber: string | undefined;
  /** The safety number with its display and scannable forms (src/identity), once open. */
  safetyNumberDetails: SafetyNumber | undefined;

  constructor(o: {
    host: SessionHost;
    sid: Uint8Array;
    path: PairingPathValue;
    role: Role;
    state: SessionState;
    peer?: string;
    hs?: HandshakeState;
    driver: PathDriver;
    expectedIdentityKey?: Uint8Array;
  }) {
    super();
    this.#host = o.host;
    this.#sid = o.sid;
    this.#id = toHexSid(o.sid);
    this.path = o.path;
    this.role = o.role;
    this.#state = o.state;
    this.#peer = o.peer;
    this.#hs = o.hs;
    this.#driver = o.driver;
    this.#sealer = new SessionSealer(o.sid, o.role);
    this.#expectedIdentity = o.expectedIdentityKey;
    this.#openPromise = new Promise((res, rej) => {
      this.#resolveOpen = res;
      this.#rejectOpen = rej;
    });
    this.#openPromise.catch(() => {}); // observed through events too; avoid unhandled rejections
    this.#timer = setTimeout(
      () => this._fail('timeout', 'handshake not finished in time'),
      o.host.handshakeTimeoutMs,
    );
  }

  /** The session id: the joiner's published one, then (short-code path) the one derived after CPace. */
  get sid(): Uint8Array {
    return this.#sid;
  }
  get id(): string {
    return this.#id;
  }
  /** A 'message' listener also receives, first and in order, the messages held until now (2.11). */
  override on<K extends keyof SessionEvents>(event: K, fn: (...args: SessionEvents[K]) => void): () => void {
    const off = super.on(event, fn);
    if (event === 'message') this.#held.schedule((m) => this.emit('message', m));
    return off;
  }
  get state(): SessionState {
    return this.#state;
  }
  get peerClientId(): string | undefined {
    return this.#peer;
  }
  /** The peer's public identity (Ed25519 + X25519), once open. */
  get peerPublicIdentity(): PublicIdentity | undefined {
    return this.peerIdentityKey && this.peerStaticKey
      ? { ed25519: this.peerIdentityKey, x25519: this.peerStaticKey }
      : undefined;
  }
  /** Peer's first keyshare checkpoint from CONFIRM (null when it sent none). */
  get peerCheckpoint(): string | null {
    return this.peerCheckpoints[0] ?? null;
  }
  get error(): SessionEndError | undefined {
    return this.#error;
  }
  get terminal(): boolean {
    return this.#state === 'failed' || this.#state === 'closed';
  }
  /** Resolves when the session is open; rejects with the error that ended it. */
  get opened(): Promise<Session> {
    return this.#openPromise;
  }

  /** Sends application data (bytes, or a string as UTF-8), sealed. */
  send(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (!(bytes instanceof Uint8Array))
      throw new SessionError('bad_argument', 'send() takes a string or Uint8Array');
    // Application data may wait for the relay only up to a bound (2.13); checked before a counter is
    // taken, so a refused send leaves no gap. WebRTC signals are bounded by WebRTC and always wait.
    if (this.#state === 'open') this.#host.reserveSend?.();
    this.sendSignal(InnerKind.APP, bytes);
  }

  /** Sends one sealed inner message (used by the WebRTC glue); only on an open session. */
  sendSignal(kind: InnerKindValue, content: Uint8Array): void {
    if (this.terminal) throw new SessionError('session_closed', 'the session is closed');
    if (this.#state !== 'open') throw new SessionError('session_not_open', 'wait for session.opened first');
    this.#sendSealed({ kind, content });
  }

  /**
   * Starts WebRTC over this session (docs/protocol.md Part 2, 2.10): SDP and ICE travel sealed, and the
   * DTLS fingerprint the connection saw is checked against the sealed SDP once connected.
   */
  connectWebRTC(config?: unknown, options?: WebRTCOptions): WebRTCLink {
    return connectWebRTC(this, config, options);
  }

  /** Ends the session: sends BYE and moves to `closed`. */
  close(): void {
    if (this.terminal) return;
    if (this.#proven) this.#sendSealed({ kind: InnerKind.BYE, content: new Uint8Array(0) });
    this.#end('closed', undefined);
  }

  // ---- internal: used by the client and the pairing paths ----

  /** Sends the first frame of an initiator (HELLO, or PAKE1 for the code path). */
  _startInitiator(pake1Body?: Uint8Array): void {
    if (pake1Body) {
      this.#host.relayPublish(this.#sealer.frameData(FrameType.PAKE1, pake1Body));
      return;
    }
    this.#sendHello();
  }

  /** A responder session created from a frame the client already processed (HELLO or PAKE1). */
  _acceptedFirstFrame(): void {
    this.#sealer.acceptedFirstFrame();
  }

  /** A responder's first step after its HandshakeState read the HELLO message. */
  _continueHandshake(): void {
    this.#step();
  }

  /** The shower's PAKE2 answer, on the joiner's published sid (the session already runs under sid'). */
  _sendPake2(body: Uint8Array, publishedSid: Uint8Array): void {
    this.#host.relaySend(this.#peer!, this.#sealer.frameData(FrameType.PAKE2, body, publishedSid), this.#id);
  }

  _setHandshake(hs: HandshakeState): void {
    this.#hs = hs;
  }

  /**
   * Refuses: ends the session with the error of `reason` (integrity or could-not-connect side, 2.8) and
   * tells the peer (2.7): a sealed ABORT when keys exist, the unauthenticated ABORT frame before open.
   */
  _fail(reason: SessionReason, detail?: string, peerReason?: SessionReason, cause?: unknown): void {
    if (this.terminal) return;
    const err =
      sessionEndError(reason, detail, peerReason) ?? new ConnectError('malformed', `${reason}: ${detail}`);
    if (cause !== undefined) err.cause = cause; // e.g. the KeyshareIntegrityError of checkpoint_rejected
    this.#tellPeer(reason);
    this.#end('failed', err);
  }

  #tellPeer(reason: SessionReason): void {
    if (this.#peer === undefined || reason === 'peer_aborted' || reason === 'peer_alarm') return;
    const byte = new Uint8Array([reasonToByte(reason)]);
    try {
      if (this.#sealer.hasKeys) this.#sendSealed({ kind: InnerKind.ABORT, content: byte });
    } catch {}
    try {
      if (!this.#proven) this.#host.relaySend(this.#peer, this.#sealer.frameData(FrameType.ABORT, byte));
    } catch {}
  }

  /** Open, or `checking` (2.8): the peer is proven and only a sealed message ends the session. */
  get #proven(): boolean {
    return this.#state === 'open' || this.#state === 'checking';
  }

  /** A frame that proves nothing: dropped and counted on the client (2.8), never fatal. */
  #drop(msg: RelayMessage, reason: SessionReason, detail: string): void {
    this.#host.dropped(msg, reason, `${detail} (session ${this.#id})`);
  }

  /** Every relay message whose frame carries this session's sid (2.8 receive rules). */
  _receive(msg: RelayMessage, frame: Frame): void {
    if (this.terminal) return;
    if (msg.via !== 'message') {
      this.#drop(msg, 'route_mismatch', 'a session frame arrived by broadcast');
      return;
    }
    if (this.#peer === undefined) {
      // Joiner before a verified PAKE2: nobody is bound yet (2.7).
      if (frame.type === FrameType.PAKE2 && this.#state === 'pake') {
        this.#onPake2(msg, frame);
        return;
      }
      this.#drop(msg, 'route_mismatch', `frame from ${msg.from} before a peer is bound`);
      return;
    }
    if (msg.from !== this.#peer) {
      this.#drop(msg, 'route_mismatch', `frame from ${msg.from}`);
      return;
    }
    if (frame.type === FrameType.ABORT) {
      if (this.#proven) {
        this.#drop(msg, 'unexpected_type', `unauthenticated ABORT in state ${this.#state}`);
        return;
      }
      this.#end('failed', new ConnectError('peer_aborted', undefined, reasonFromByte(frame.body[0])));
      return;
    }
    if (frame.type === FrameType.SEALED) {
      if (this.#state !== 'confirming' && !this.#proven) {
        this.#drop(msg, 'unexpected_type', `SEALED in state ${this.#state}`);
        return;
      }
      this.#onSealed(frame);
      return;
    }
    // Unauthenticated handshake frames: out of order or out of place proves nothing.
    const outOfOrder = this.#sealer.checkCounter(frame.counter);
    if (outOfOrder) {
      this.#drop(msg, outOfOrder, `counter ${frame.counter}`);
      return;
    }
    if (!this.#expects(frame)) {
      this.#drop(msg, 'unexpected_type', `frame type ${frame.type} in state ${this.#state}`);
      return;
    }
    this.#sealer.takeCounter(frame.counter);
    try {
      this.#dispatch(frame);
    } catch (e) {
      this._fail('handshake_failed', (e as Error).message);
    }
  }

  /** Whether an unauthenticated frame of `type` from the bound peer fits the state. */
  #expects(frame: Frame): boolean {
    const type = frame.type;
    if (type === FrameType.HELLO) return this.#state === 'await-hello' && frame.body[0] === this.path;
    if (type === FrameType.HANDSHAKE)
      return this.#state === 'handshaking' && this.#hs !== undefined && !this.#hs.isMyTurn;
    return false;
  }

  /** Joiner: a PAKE2 binds its sender only once its key confirmation verified (2.7). */
  #onPake2(msg: RelayMessage, frame: Frame): void {
    if (this.#sealer.checkCounter(frame.counter)) {
      this.#drop(msg, 'unexpected_type', `PAKE2 counter ${frame.counter}`);
      return;
    }
    const r = this.#driver.onPake2!(frame.body, msg.from);
    if ('drop' in r && r.drop === 'handshake_failed' && this.#grace === undefined)
      this.#grace = setTimeout(
        () => this._fail('wrong_code', 'no PAKE2 with a matching code'),
        this.#host.pake2GraceMs ?? PAKE2_GRACE_MS,
      );
    if ('drop' in r) {
      this.#drop(msg, r.drop, r.detail);
      return;
    }
    this.#sealer.takeCounter(frame.counter);
    clearTimeout(this.#grace);
    this.#peer = msg.from;
    this.#hs = r.hs;
    const oldId = this.#id;
    this.#sid = r.sid;
    this.#id = toHexSid(r.sid);
    this.#sealer.setSid(r.sid);
    this.#host.renameSession(oldId, this);
    this.#sendHello();
  }

  #dispatch(frame: Frame): void {
    if (frame.type === FrameType.HELLO) {
      // Only the short-code path waits for a HELLO (body = path ‖ Noise message 1).
      this.#hs!.readMessage(frame.body.slice(1));
      this.#state = 'handshaking';
      this.#step();
      return;
    }
    this.#hs!.readMessage(frame.body);
    this.#step();
  }

  /** A SEALED frame from the bound peer: authenticated first, then in order, then allowed (2.8). */
  #onSealed(frame: Frame): void {
    const r = this.#sealer.open(frame, this.#host.clientId, this.#peer!);
    if (!r.ok) {
      this._fail(r.reason);
      return;
    }
    const outOfOrder = this.#sealer.takeCounter(frame.counter);
    if (outOfOrder) {
      this._fail(outOfOrder, `counter ${frame.counter}`);
      return;
    }
    const { kind, content } = r.inner;
    if (kind === InnerKind.ABORT) {
      this.#onSealedAbort(content);
      return;
    }
    if (this.#state === 'confirming') {
      if (kind !== InnerKind.CONFIRM) {
        this._fail('unexpected_type', 'first sealed message must be CONFIRM');
        return;
      }
      this.#onConfirm(content);
      return;
    }
    if (kind === InnerKind.BYE && this.#state === 'checking') {
      this.#end('closed', undefined); // a BYE while checking ends the session now
      return;
    }
    // While checking, and after it until the held ones are out, messages wait in order (2.8).
    const deliver = (inner: Inner) => this.#deliver(inner);
    if (!this.#checkHold.offer(r.inner, this.#state === 'open', deliver))
      this._fail('unexpected_type', 'too many messages before open');
  }

  #deliver({ kind, content }: Inner): void {
    if (this.terminal) return;
    switch (kind) {
      case InnerKind.APP: {
        const deliver = (m: Uint8Array) => this.emit('message', m);
        if (!this.#held.offer(content, this.listenerCount('message') > 0, deliver))
          this._fail('unexpected_type', 'too many messages before the application listened');
        return;
      }
      case InnerKind.BYE: {
        this.#end('closed', undefined);
        return;
      }
      case InnerKind.CONFIRM: {
        this._fail('unexpected_type', 'second CONFIRM');
        return;
      }
      default: {
        this.emit('signal', kind, content);
        return;
      }
    }
  }

  /** The peer's sealed ending: its reason is authenticated (2.7). */
  #onSealedAbort(content: Uint8Array): void {
    if (content.length !== 1) {
      this._fail('malformed', 'sealed ABORT content');
      return;
    }
    const peerReason = reasonFromByte(content[0]);
    this.#end(
      'failed',
      isIntegrityReason(peerReason)
        ? new SignalingIntegrityError('peer_alarm', undefined, peerReason)
        : new ConnectError('peer_aborted', undefined, peerReason),
    );
  }

  #onConfirm(content: Uint8Array): void {
    const rs = this.peerStaticKey!;
    const c = checkConfirm(content, this.role === 'responder', this.#hsHash!, rs, this.#expectedIdentity);
    if ('reason' in c) {
      this._fail(c.reason, c.detail);
      return;
    }
    this.peerIdentityKey = c.identityKey;
    this.peerCheckpoints = c.checkpoints;
    this.safetyNumberDetails = safetyNumber(this.#host.local.publicIdentity, {
      ed25519: c.identityKey,
      x25519: rs,
    });
    this.safetyNumber = this.safetyNumberDetails.digits;
    this.emit('confirmed');
    if (this.terminal) return; // refused by a 'confirmed' listener
    const check = this.#host.checkPeer?.(this);
    if (!check) {
      this.#open();
      return;
    }
    // 2.8 `checking`: not open (nothing sent, nothing delivered) until the peer's checkpoints checked
    // out; the handshake timer still runs.
    this.#state = 'checking';
    check.then(
      () => {
        if (this.terminal) return;
        this.#open();
        this.#checkHold.schedule((inner) => this.#deliver(inner));
      },
      (e: unknown) => this._fail('checkpoint_rejected', (e as Error)?.message, undefined, e),
    );
  }

  #open(): void {
    this.#state = 'open';
    clearTimeout(this.#timer);
    this.#resolveOpen(this);
    this.emit('open');
  }

  #hsHash: Uint8Array | undefined;

  /** After each handshake message: write ours if it is our turn, or finish (split + CONFIRM). */
  #step(): void {
    const hs = this.#hs!;
    if (!hs.complete && hs.isMyTurn) this.#sendFrame(FrameType.HANDSHAKE, hs.writeMessage(new Uint8Array(0)));
    if (!hs.complete) return;
    this.#hsHash = hs.handshakeHash.slice();
    this.peerStaticKey = hs.remoteStatic?.slice();
    this.#sealer.setKeys(hs);
    this.#state = 'confirming';
    this.#sendSealed({
      kind: InnerKind.CONFIRM,
      content: makeConfirm(
        this.#host.local,
        this.role === 'initiator',
        this.#hsHash,
        this.#host.checkpoints(),
      ),
    });
  }

  #sendHello(): void {
    const msg = this.#hs!.writeMessage(new Uint8Array(0));
    this.#state = 'handshaking';
    this.#sendFrame(FrameType.HELLO, this.#driver.helloBody(msg));
  }

  #sendSealed(inner: Inner): void {
    const data = this.#sealer.seal(inner, this.#host.clientId, this.#peer!);
    this.#host.relaySend(this.#peer!, data, this.#id);
  }

  #sendFrame(type: FrameTypeValue, body: Uint8Array): void {
    this.#host.relaySend(this.#peer!, this.#sealer.frameData(type, body), this.#id);
  }

  #end(state: 'closed' | 'failed', err: SessionEndError | undefined): void {
    this.#state = state;
    this.#error = err;
    clearTimeout(this.#timer);
    clearTimeout(this.#grace);
    this.#hs?.destroy();
    this.#sealer.wipe();
    this.#held.clear();
    this.#checkHold.clear();
    if (err) {
      this.#rejectOpen(err);
      if (err instanceof SignalingIntegrityError) this.emit('integrity-error', err);
      else this.emit('connect-failed', err);
    } else {
      this.#rejectOpen(new ConnectError('closed', 'closed before it was open'));
    }
    this.emit('close', err);
  }
}
