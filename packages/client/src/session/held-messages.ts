// Application messages that arrive before the application listens (docs/protocol.md 2.11).
//
// A session opens and its first APP frames can arrive in the same WebSocket chunk as the peer's CONFIRM,
// before the code awaiting the pairing promise has attached `session.on('message')`. Dropping them would
// lose the peer's first words at random; instead they are held, in order, and handed to the first
// listener. The hold is bounded: a peer that floods before anyone listens ends the session.

/** How many APP messages a session holds before its first 'message' listener. */
export const HELD_MESSAGES_LIMIT = 256;

export class HeldMessages {
  #held: Uint8Array[] = [];
  #flushing = false;

  /**
   * Delivers `content` now when someone listens and nothing is held (order is kept), else holds it.
   * Returns false when the hold is full (the caller ends the session).
   */
  offer(content: Uint8Array, listening: boolean, deliver: (m: Uint8Array) => void): boolean {
    if (listening && this.#held.length === 0) {
      deliver(content);
      return true;
    }
    if (this.#held.length >= HELD_MESSAGES_LIMIT) return false;
    this.#held.push(content);
    if (listening) this.schedule(deliver);
    return true;
  }

  /** After a listener attached: hands every held message to it, in order, in a microtask. */
  schedule(deliver: (m: Uint8Array) => void): void {
    if (this.#flushing || this.#held.length === 0) return;
    this.#flushing = true;
    queueMicrotask(() => {
      this.#flushing = false;
      while (this.#held.length > 0) deliver(this.#held.shift() as Uint8Array);
    });
  }
}
