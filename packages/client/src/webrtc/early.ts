// Early WebRTC signals (docs/protocol.md Part 2, 2.10): the peer may offer before this side attaches
// `connectWebRTC` (e.g. while the app still checks the peer's key against its trust store). A
// SignalBuffer, started right after the session opens, keeps those signals in order, bounded, and hands
// them to `connectWebRTC({ pending })`, which applies them before any live signal.
import type { InnerKindValue } from '../envelope/inner.ts';
import type { Session } from '../session/session.ts';

export type BufferedSignal = readonly [InnerKindValue, Uint8Array];

/** Default bound: far above one negotiation (offer + a few dozen candidates + end-of-candidates). */
export const MAX_EARLY_SIGNALS = 256;

export class SignalBuffer {
  #signals: BufferedSignal[] = [];
  #off: (() => void) | undefined;

  /** Starts buffering every WebRTC signal the session delivers from now on. */
  constructor(
    private readonly session: Session,
    readonly limit: number = MAX_EARLY_SIGNALS,
  ) {
    this.#off = session.on('signal', (kind, content) => {
      if (this.#signals.length < this.limit) {
        this.#signals.push([kind, content]);
        return;
      }
      // A peer that floods signals before we even started is misbehaving: end the session, loudly.
      this.stop();
      this.session._fail('unexpected_type', `more than ${this.limit} WebRTC signals before WebRTC started`);
    });
  }

  get size(): number {
    return this.#signals.length;
  }

  /** Stops buffering and returns what arrived, oldest first (each signal is handed out once). */
  take(): BufferedSignal[] {
    this.stop();
    return this.#signals.splice(0);
  }

  stop(): void {
    this.#off?.();
    this.#off = undefined;
  }
}
