// The envelope side of one session (docs/protocol.md Part 2, 2.8): the frame counters of both
// directions, the directional envelope keys split from the finished handshake, and sealing / opening
// SEALED frames with the session's context (key, direction, sid, from, to).
import {
  type Direction,
  envelopeKey,
  type Frame,
  FrameType,
  type FrameTypeValue,
  frameToData,
  type Inner,
  type OpenResult,
  open as openSealed,
  type SealContext,
  seal,
} from '../envelope/index.ts';
import { SessionError } from '../errors/client-errors.ts';
import type { HandshakeState } from '../noise/index.ts';
import type { Role } from './types.ts';

export class SessionSealer {
  #sid: Uint8Array;
  readonly #role: Role;
  #sendCounter = 0n;
  #recvCounter = 0n;
  #sendKey: Uint8Array | undefined;
  #recvKey: Uint8Array | undefined;

  constructor(sid: Uint8Array, role: Role) {
    this.#sid = sid;
    this.#role = role;
  }

  /** A responder session created from a frame the client already processed (HELLO or PAKE1). */
  acceptedFirstFrame(): void {
    this.#recvCounter = 1n;
  }

  /** The session continues under a new sid (short-code path after CPace, 2.7); counters carry on. */
  setSid(sid: Uint8Array): void {
    this.#sid = sid;
  }

  /** Whether `counter` is the next expected one, without taking it. */
  checkCounter(counter: bigint): 'replay' | 'counter_gap' | undefined {
    if (counter < this.#recvCounter) return 'replay';
    if (counter > this.#recvCounter) return 'counter_gap';
    return undefined;
  }

  /** Checks an incoming frame's counter; in order, it is taken (the next one is expected). */
  takeCounter(counter: bigint): 'replay' | 'counter_gap' | undefined {
    const bad = this.checkCounter(counter);
    if (!bad) this.#recvCounter++;
    return bad;
  }

  /**
   * An unsealed frame as relay `data`; it takes the next send counter (ABORT always uses 0). `sid`
   * overrides the session's (the shower's PAKE2 answers on the joiner's published sid, 2.7).
   */
  frameData(type: FrameTypeValue, body: Uint8Array, sid: Uint8Array = this.#sid): string {
    const counter = type === FrameType.ABORT ? 0n : this.#sendCounter++;
    return frameToData({ type, sid, counter, body });
  }

  /** Whether the envelope keys exist (the handshake finished). */
  get hasKeys(): boolean {
    return this.#sendKey !== undefined;
  }

  /** Derives the envelope keys from the finished handshake's split; the split keys are wiped. */
  setKeys(hs: HandshakeState): void {
    const { sendKey, recvKey } = hs.split();
    const [sd, rd]: [Direction, Direction] = this.#role === 'initiator' ? ['i2r', 'r2i'] : ['r2i', 'i2r'];
    this.#sendKey = envelopeKey(sendKey, sd);
    this.#recvKey = envelopeKey(recvKey, rd);
    sendKey.fill(0);
    recvKey.fill(0);
  }

  /** Seals `inner` from `self` to `peer` at the next send counter; returns the frame as relay `data`. */
  seal(inner: Inner, self: string, peer: string): string {
    const frame = seal(this.#ctx('send', self, peer), this.#sendCounter, inner);
    if (!frame)
      throw new SessionError('message_too_large', 'message over the largest padding bucket (32 KiB)');
    this.#sendCounter++;
    return frameToData(frame);
  }

  /** Opens a SEALED frame from `peer` to `self` (its counter already taken). */
  open(frame: Frame, self: string, peer: string): OpenResult {
    return openSealed(this.#ctx('recv', self, peer), frame);
  }

  /** Wipes the envelope keys (the session ended). */
  wipe(): void {
    this.#sendKey?.fill(0);
    this.#recvKey?.fill(0);
  }

  #ctx(which: 'send' | 'recv', self: string, peer: string): SealContext {
    const initiatorSends = (this.#role === 'initiator') === (which === 'send');
    const [from, to] = which === 'send' ? [self, peer] : [peer, self];
    return {
      key: which === 'send' ? this.#sendKey! : this.#recvKey!,
      dir: initiatorSends ? 'i2r' : 'r2i',
      sid: this.#sid,
      from,
      to,
    };
  }
}
