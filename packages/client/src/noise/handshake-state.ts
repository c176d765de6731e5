// HandshakeState, Noise Protocol Framework rev 34 §5.3, generic over the token patterns of ./patterns.ts
// (DH functions 25519 §12.1, cipher ChaChaPoly §12.3, hash BLAKE2b §12.8 or SHA256 §12.5).
// One small state machine: handshake -> complete -> split, and a terminal `failed` state entered on ANY
// error; a failed HandshakeState refuses every later call with `bad_state`.

import { concatBytes } from '../crypto/bytes.ts';
import { CryptoError } from '../crypto/errors.ts';
import { BLAKE2b, type HashFunction, SHA256, SHA512 } from '../crypto/hash.ts';
import { constantTimeEqual, type KeyPair, x25519, x25519KeyPair, x25519PublicKey } from '../crypto/sodium.ts';
import { CipherState, NOISE_MAX_MESSAGE } from './cipher-state.ts';
import { NoiseError, type NoiseErrorCode } from './errors.ts';
import { type HandshakePattern, parseProtocolName, type Token } from './patterns.ts';
import { SymmetricState } from './symmetric-state.ts';

export type { KeyPair } from '../crypto/sodium.ts';

const DHLEN = 32;
const TAGLEN = 16;
const PSKLEN = 32;
const HASHES: Record<string, HashFunction> = { BLAKE2b, SHA256, SHA512 };

/** Fresh X25519 key pair (GENERATE_KEYPAIR, §4.1). Requires `await ready()` first. */
export function generateKeyPair(): KeyPair {
  return x25519KeyPair();
}

/** X25519 key pair for a given 32-byte private key. */
export function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== DHLEN)
    throw new NoiseError('bad_key', 'private key must be 32 bytes');
  return { publicKey: x25519PublicKey(privateKey), privateKey: privateKey.slice() };
}

export interface HandshakeOptions {
  /** Full protocol name, e.g. 'Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b' (§8). */
  protocolName: string;
  initiator: boolean;
  /** Bound into the handshake hash (§6); both sides must use identical bytes. */
  prologue: Uint8Array;
  /** Local static key pair, when the pattern uses one. */
  s?: KeyPair;
  /** Fixed ephemeral key pair: for test vectors only. */
  e?: KeyPair;
  /** Remote static public key known in advance (pre-message, §7.1). */
  rs?: Uint8Array;
  /** Remote ephemeral public key known in advance (only for patterns with an 'e' pre-message). */
  re?: Uint8Array;
  /** Pre-shared keys, 32 bytes each, in the order of the pattern's psk tokens (§9). */
  psks?: Uint8Array[];
}

export interface SplitResult {
  /** Cipher for messages this side sends. */
  send: CipherState;
  /** Cipher for messages this side receives. */
  recv: CipherState;
  /** The raw 32-byte keys behind `send` / `recv` (for an envelope layer with explicit counters). */
  sendKey: Uint8Array;
  recvKey: Uint8Array;
}

type Phase = 'handshake' | 'complete' | 'split' | 'failed';

function bytesOf(what: string, v: unknown, len?: number, code: NoiseErrorCode = 'bad_key'): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new NoiseError(code, `${what} must be a Uint8Array`);
  if (len !== undefined && v.length !== len) throw new NoiseError(code, `${what} must be ${len} bytes`);
  return v.slice();
}

function checkKeyPair(what: string, kp: unknown): KeyPair {
  const k = kp as Partial<KeyPair> | null;
  if (typeof k !== 'object' || k === null) throw new NoiseError('bad_key', `${what} must be a key pair`);
  const privateKey = bytesOf(`${what}.privateKey`, k.privateKey, DHLEN);
  const publicKey = bytesOf(`${what}.publicKey`, k.publicKey, DHLEN);
  if (!constantTimeEqual(x25519PublicKey(privateKey), publicKey))
    throw new NoiseError('bad_key', `${what}.publicKey does not match its private key`);
  return { publicKey, privateKey };
}

/** Which static/ephemeral keys each side must hold before the handshake, from the pattern. */
function sends(p: HandshakePattern, initiator: boolean, token: Token): boolean {
  const dir = initiator ? '->' : '<-';
  return p.messages.some((m) => m.dir === dir && m.tokens.includes(token));
}

export class HandshakeState {
  readonly protocolName: string;
  readonly initiator: boolean;
  readonly #pattern: HandshakePattern;
  readonly #ss: SymmetricState;
  #s: KeyPair | undefined;
  #e: KeyPair | undefined;
  #rs: Uint8Array | undefined;
  #re: Uint8Array | undefined;
  readonly #psks: Uint8Array[];
  #pskIndex = 0;
  #msgIndex = 0;
  #phase: Phase = 'handshake';
  #keys: [Uint8Array, Uint8Array] | undefined;
  #h: Uint8Array | undefined;

  /** Initialize(...) (§5.3). Throws NoiseError on an unsupported name or missing / malformed keys. */
  constructor(o: HandshakeOptions) {
    if (typeof o !== 'object' || o === null) throw new NoiseError('bad_protocol', 'options required');
    if (typeof o.protocolName !== 'string') throw new NoiseError('bad_protocol', 'protocolName required');
    if (typeof o.initiator !== 'boolean') throw new NoiseError('bad_protocol', 'initiator must be boolean');
    const name = parseProtocolName(o.protocolName);
    const p = name.pattern;
    this.protocolName = o.protocolName;
    this.initiator = o.initiator;
    this.#pattern = p;
    const prologue = bytesOf('prologue', o.prologue, undefined, 'bad_protocol');
    this.#s = o.s === undefined ? undefined : checkKeyPair('s', o.s);
    this.#e = o.e === undefined ? undefined : checkKeyPair('e', o.e);
    this.#rs = o.rs === undefined ? undefined : bytesOf('rs', o.rs, DHLEN);
    this.#re = o.re === undefined ? undefined : bytesOf('re', o.re, DHLEN);
    const psks = o.psks ?? [];
    if (!Array.isArray(psks)) throw new NoiseError('bad_key', 'psks must be an array');
    this.#psks = psks.map((k, i) => bytesOf(`psks[${i}]`, k, PSKLEN));

    const localPre = this.initiator ? p.preInitiator : p.preResponder;
    const remotePre = this.initiator ? p.preResponder : p.preInitiator;
    if ((localPre.includes('s') || sends(p, this.initiator, 's')) && !this.#s)
      throw new NoiseError('missing_key', `${p.name} needs the local static key pair (s)`);
    if (localPre.includes('e') && !this.#e)
      throw new NoiseError('missing_key', `${p.name} needs the local ephemeral key pair (e)`);
    if (remotePre.includes('s') && !this.#rs)
      throw new NoiseError('missing_key', `${p.name} needs the remote static key (rs)`);
    if (remotePre.includes('e') && !this.#re)
      throw new NoiseError('missing_key', `${p.name} needs the remote ephemeral key (re)`);
    if (this.#rs && sends(p, !this.initiator, 's'))
      throw new NoiseError('bad_key', `${p.name} transmits the remote static key; do not pass rs`);
    const pskCount = p.messages.reduce((n, m) => n + m.tokens.filter((t) => t === 'psk').length, 0);
    if (this.#psks.length < pskCount)
      throw new NoiseError('missing_key', `${p.name} needs ${pskCount} psk(s)`);
    if (this.#psks.length > pskCount) throw new NoiseError('bad_key', `${p.name} takes ${pskCount} psk(s)`);

    this.#ss = new SymmetricState(HASHES[name.hash]!, o.protocolName);
    this.#ss.mixHash(prologue);
    // Pre-messages (§7.1): the initiator's keys are hashed first, then the responder's.
    const own = (t: Token) => (t === 's' ? this.#s!.publicKey : this.#e!.publicKey);
    const theirs = (t: Token) => (t === 's' ? this.#rs! : this.#re!);
    for (const t of p.preInitiator) this.#mixPre(t, this.initiator ? own(t) : theirs(t));
    for (const t of p.preResponder) this.#mixPre(t, this.initiator ? theirs(t) : own(t));
  }

  #mixPre(t: Token, key: Uint8Array): void {
    this.#ss.mixHash(key);
    if (t === 'e' && this.#pattern.hasPsk) this.#ss.mixKey(key); // §9.2
  }

  /** True once the last handshake message was written or read. */
  get complete(): boolean {
    return this.#phase === 'complete' || this.#phase === 'split';
  }

  /** True after any failure: the state refuses every further call. */
  get failed(): boolean {
    return this.#phase === 'failed';
  }

  /** True when the next handshake call must be writeMessage (false: readMessage, or no more messages). */
  get isMyTurn(): boolean {
    const m = this.#pattern.messages[this.#msgIndex];
    return this.#phase === 'handshake' && m !== undefined && (m.dir === '->') === this.initiator;
  }

  /** GetHandshakeHash() (§5.2, §11.2): available once the handshake is complete. */
  get handshakeHash(): Uint8Array {
    if (!this.complete || !this.#h) throw new NoiseError('bad_state', 'handshake is not complete');
    return this.#h.slice();
  }

  /** The peer's static public key once known (pre-message or received), else undefined. */
  get remoteStatic(): Uint8Array | undefined {
    return this.#rs?.slice();
  }

  /** The local static public key, if any. */
  get localStatic(): Uint8Array | undefined {
    return this.#s?.publicKey.slice();
  }

  /** WriteMessage(payload, message_buffer) (§5.3). Returns the handshake message. */
  writeMessage(payload: Uint8Array): Uint8Array {
    return this.#guard(true, () => {
      const pt = bytesOf('payload', payload, undefined, 'bad_message');
      const m = this.#pattern.messages[this.#msgIndex]!;
      const out: Uint8Array[] = [];
      for (const t of m.tokens) {
        if (t === 'e') {
          this.#e ??= generateKeyPair();
          out.push(this.#e.publicKey.slice());
          this.#ss.mixHash(this.#e.publicKey);
          if (this.#pattern.hasPsk) this.#ss.mixKey(this.#e.publicKey); // §9.2
        } else if (t === 's') {
          out.push(this.#ss.encryptAndHash(this.#s!.publicKey));
        } else {
          this.#mixToken(t);
        }
      }
      out.push(this.#ss.encryptAndHash(pt));
      const msg = concatBytes(...out);
      if (msg.length > NOISE_MAX_MESSAGE)
        throw new NoiseError('message_too_long', `handshake message would exceed ${NOISE_MAX_MESSAGE} bytes`);
      this.#advance();
      return msg;
    });
  }

  /** ReadMessage(message, payload_buffer) (§5.3). Returns the decrypted payload. */
  readMessage(message: Uint8Array): Uint8Array {
    return this.#guard(false, () => {
      if (!(message instanceof Uint8Array)) throw new NoiseError('bad_message', 'message must be bytes');
      if (message.length > NOISE_MAX_MESSAGE)
        throw new NoiseError('bad_message', 'message exceeds 65535 bytes');
      const m = this.#pattern.messages[this.#msgIndex]!;
      let off = 0;
      const take = (n: number): Uint8Array => {
        if (message.length - off < n) throw new NoiseError('bad_message', 'handshake message is truncated');
        off += n;
        return message.slice(off - n, off);
      };
      for (const t of m.tokens) {
        if (t === 'e') {
          this.#re = take(DHLEN);
          this.#ss.mixHash(this.#re);
          if (this.#pattern.hasPsk) this.#ss.mixKey(this.#re); // §9.2
        } else if (t === 's') {
          const len = this.#ss.cipher.hasKey() ? DHLEN + TAGLEN : DHLEN;
          this.#rs = this.#ss.decryptAndHash(take(len));
        } else {
          this.#mixToken(t);
        }
      }
      const rest = message.slice(off);
      if (this.#ss.cipher.hasKey() && rest.length < TAGLEN)
        throw new NoiseError('bad_message', 'handshake message is truncated');
      const payload = this.#ss.decryptAndHash(rest);
      this.#advance();
      return payload;
    });
  }

  /**
   * Split() (§5.2): the transport ciphers, `send` for this side's messages and `recv` for the peer's.
   * Allowed once, after the handshake is complete.
   */
  split(): SplitResult {
    if (this.#phase !== 'complete' || !this.#keys) {
      throw new NoiseError(
        'bad_state',
        this.#phase === 'split' ? 'split() was already called' : 'not complete',
      );
    }
    const [k1, k2] = this.#keys;
    const [sendKey, recvKey] = this.initiator ? [k1, k2] : [k2, k1];
    this.#phase = 'split';
    this.#keys = undefined;
    return { send: new CipherState(sendKey), recv: new CipherState(recvKey), sendKey, recvKey };
  }

  /** Erases every secret and makes the state refuse all further calls. */
  destroy(): void {
    this.#fail();
  }

  #mixToken(t: Exclude<Token, 'e' | 's'>): void {
    if (t === 'psk') {
      this.#ss.mixKeyAndHash(this.#psks[this.#pskIndex++]!);
      return;
    }
    const [mine, theirs] = this.#dhPair(t);
    this.#ss.mixKey(this.#dh(mine, theirs));
  }

  /** The local private key and remote public key a DH token combines (§5.3 ee / es / se / ss). */
  #dhPair(t: 'ee' | 'es' | 'se' | 'ss'): [KeyPair | undefined, Uint8Array | undefined] {
    const i = this.initiator;
    switch (t) {
      case 'ee':
        return [this.#e, this.#re];
      case 'es':
        return i ? [this.#e, this.#rs] : [this.#s, this.#re];
      case 'se':
        return i ? [this.#s, this.#re] : [this.#e, this.#rs];
      case 'ss':
        return [this.#s, this.#rs];
    }
  }

  #dh(kp: KeyPair | undefined, pub: Uint8Array | undefined): Uint8Array {
    if (!kp || !pub) throw new NoiseError('bad_state', 'a key needed for DH is missing');
    try {
      return x25519(kp.privateKey, pub);
    } catch (err) {
      if (err instanceof CryptoError) throw new NoiseError('bad_key', 'DH with a low-order or invalid key');
      throw err;
    }
  }

  #advance(): void {
    this.#msgIndex++;
    if (this.#msgIndex === this.#pattern.messages.length) {
      this.#keys = this.#ss.split();
      this.#h = this.#ss.handshakeHash;
      this.#phase = 'complete';
      this.#ss.destroy();
      this.#e?.privateKey.fill(0);
    }
  }

  #guard<T>(writing: boolean, body: () => T): T {
    if (this.#phase === 'failed') throw new NoiseError('bad_state', 'handshake already failed');
    if (this.#phase !== 'handshake') throw new NoiseError('bad_state', 'handshake is already complete');
    if (this.isMyTurn !== writing) {
      this.#fail();
      throw new NoiseError('bad_state', writing ? 'expected readMessage' : 'expected writeMessage');
    }
    try {
      return body();
    } catch (err) {
      this.#fail();
      if (err instanceof NoiseError) throw err;
      if (err instanceof CryptoError)
        throw new NoiseError(err.code === 'decrypt_failed' ? 'decrypt_failed' : 'bad_key', err.message);
      throw err;
    }
  }

  #fail(): void {
    this.#phase = 'failed';
    this.#ss.destroy();
    this.#s?.privateKey.fill(0);
    this.#s = undefined;
    this.#e?.privateKey.fill(0);
    this.#e = undefined;
    for (const k of this.#psks) k.fill(0);
    for (const k of this.#keys ?? []) k.fill(0);
    this.#keys = undefined;
  }
}
