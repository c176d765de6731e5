// Messages a session holds back, in order, until someone may have them (docs/protocol.md 2.8, 2.11).
//
// Two holds use this one mechanism:
// - APP messages that arrive before the application listens. A session opens and its first APP frames
//   can arrive in the same WebSocket chunk as the peer's CONFIRM, before the code awaiting the pairing
//   promise has attached `session.on('message')`. Dropping them would lose the peer's first words at
//   random; instead they are held, in order, and handed to the first listener.
// - Every inner message that arrives while the session is `checking` (the peer's keyshare checkpoints
//   are being cross-checked, 2.8): the peer may already be open, but nothing is delivered before this
//   side is.
// Each hold is bounded: a peer that floods before delivery ends the session.

/** How many messages a session holds before delivery. */
export const HELD_MESSAGES_LIMIT = 256;

/** Runs a flush later: a microtask by default. */
export type Defer = (run: () => void) => void;

export class HeldMessages<T = Uint8Array> {
  #held: T[] = [];
  #flushing = false;
  readonly #defer: Defer;

  constructor(defer: Defer = queueMicrotask) {
    this.#defer = defer;
  }

  get size(): number {
    return this.#held.length;
  }

  /**
   * Delivers `item` now when delivery is open and nothing is held (order is kept), else holds it.
   * Returns false when the hold is full (the caller ends the session).
   */
  offer(item: T, listening: boolean, deliver: (m: T) => void): boolean {
    if (listening && this.#held.length === 0) {
      deliver(item);
      return true;
    }
    if (this.#held.length >= HELD_MESSAGES_LIMIT) return false;
    this.#held.push(item);
    if (listening) this.schedule(deliver);
    return true;
  }

  /** Once delivery is open: hands every held message to `deliver`, in order, later (see `defer`). */
  schedule(deliver: (m: T) => void): void {
    if (this.#flushing || this.#held.length === 0) return;
    this.#flushing = true;
    this.#defer(() => {
      this.#flushing = false;
      while (this.#held.length > 0) deliver(this.#held.shift() as T);
    });
  }

  /** Forgets everything held (the session ended); a scheduled flush then delivers nothing. */
  clear(): void {
    this.#held = [];
  }
}
