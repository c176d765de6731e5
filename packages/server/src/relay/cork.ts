// Batches the frames sent to one socket within an event-loop turn into one write: the first send of a
// turn corks the socket, and every corked socket is uncorked once at the end of the turn (setImmediate).
// Same bytes, same order; fewer syscalls when a socket gets several frames at once (node:stream cork).
//
// No allocation per turn (issue 17): the held sockets go into one of two arrays that are reused (slots
// cleared, never shrunk), and "already corked this turn" is a turn number on the holder. A Set that was
// filled and cleared every turn grew and dropped hash tables that outlived scavenges: about 47 B per
// relayed message promoted to the old generation, the main cause of the relay's Mark-Compacts.
import type { Duplex } from 'node:stream';

/** What the batcher holds: a socket, and the turn it was last corked in (owned by the batcher). */
export interface Holdable {
  readonly socket: Duplex;
  heldTurn: number;
}

export class WriteBatcher {
  private held: Array<Duplex | undefined> = [];
  /** The other array: the one being flushed, so that a hold during a flush lands in a fresh turn. */
  private flushing: Array<Duplex | undefined> = [];
  private count = 0;
  private turn = 0;

  /** Call before writing to `h.socket`. */
  hold(h: Holdable): void {
    if (h.heldTurn === this.turn) return;
    h.heldTurn = this.turn;
    h.socket.cork();
    this.held[this.count++] = h.socket;
    if (this.count === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const list = this.held;
    const n = this.count;
    this.held = this.flushing;
    this.flushing = list;
    this.count = 0;
    this.turn++;
    for (let i = 0; i < n; i++) {
      list[i]?.uncork();
      list[i] = undefined;
    }
  };
}
