// Session frames on their way to the relay (docs/protocol.md 2.13). While the relay is away, or the
// peer is (it left, or the relay answered `peer_not_found` to one of our frames), a peer's frames wait
// here in order and leave once both are back, so counters carry on without a gap. Nothing is ever sent
// twice: a frame handed to a live socket counts as sent (at most once); only a frame the relay refused
// with `peer_not_found` is put back, before the later ones. Bounded: `reserve()` refuses application
// sends (SessionError `send_queue_full`) once `limit` frames wait.
import { SessionError } from '../errors/client-errors.ts';

interface Entry {
  seq: number;
  /** Recipient clientId, or undefined for a channel broadcast (publish: PAKE1). */
  to: string | undefined;
  data: string;
  sessionId: string | undefined;
}

export interface OutboxWire {
  /** Writes a direct message now; its frame id, or undefined when the relay is not connected. */
  send(to: string, data: string): string | undefined;
  /** Writes a broadcast now; false when the relay is not connected. */
  publish(data: string): boolean;
}

export class Outbox {
  readonly #wire: OutboxWire;
  readonly #limit: number;
  readonly #queue: Entry[] = [];
  /** Peers known to be away: they left, or the relay said `peer_not_found`. */
  readonly #away = new Set<string>();
  /** Every peer a frame was ever addressed to (to learn who is away after a reconnect). */
  readonly #known = new Set<string>();
  /** Frame id → what was sent with it, so a `peer_not_found` (its `ref`) can put it back. */
  readonly #sent = new Map<string, Entry>();
  #seq = 0;

  constructor(wire: OutboxWire, limit = 1000) {
    this.#wire = wire;
    this.#limit = limit;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** Throws `send_queue_full` when an application send would have to wait in a full queue. */
  reserve(): void {
    if (this.#queue.length >= this.#limit)
      throw new SessionError(
        'send_queue_full',
        `the relay is away and ${this.#queue.length} frames already wait: try again once it is back`,
      );
  }

  /**
   * Sends now, or queues behind the peer's earlier frames. A frame of no session (an ABORT answering a
   * stray frame) is best effort: sent if it can be, else dropped.
   */
  push(to: string, data: string, sessionId?: string): void {
    if (sessionId === undefined) {
      if (!this.#away.has(to)) this.#wire.send(to, data);
      return;
    }
    this.#known.add(to);
    const e: Entry = { seq: ++this.#seq, to, data, sessionId };
    if (this.#away.has(to) || this.#queue.some((q) => q.to === to) || !this.#write(e)) this.#queue.push(e);
  }

  /** Broadcasts now, or once the relay is back (in order with the other waiting frames). */
  publish(data: string): void {
    const e: Entry = { seq: ++this.#seq, to: undefined, data, sessionId: undefined };
    if (this.#queue.some((q) => q.to === undefined) || !this.#write(e)) this.#queue.push(e);
  }

  /** The session a frame id belongs to (for relay errors), if it was a session frame. */
  sessionOf(ref: string): string | undefined {
    return this.#sent.get(ref)?.sessionId;
  }

  /**
   * The relay answered `peer_not_found` to frame `ref`: the peer is away; the frame goes back into the
   * queue in its original order. Returns false when `ref` is not a frame of ours.
   */
  notFound(ref: string): boolean {
    const e = this.#sent.get(ref);
    if (!e) return false;
    this.#sent.delete(ref);
    if (e.to === undefined) return false;
    this.#away.add(e.to);
    const at = this.#queue.findIndex((q) => q.seq > e.seq);
    this.#queue.splice(at < 0 ? this.#queue.length : at, 0, e);
    return true;
  }

  /** The relay socket is gone: frame ids of the old socket mean nothing any more. */
  disconnected(): void {
    this.#sent.clear();
  }

  /** Logged in again; `present` are the peers in the channel now: the others are away until they join. */
  resumed(present: readonly string[]): void {
    const here = new Set(present);
    for (const p of this.#known)
      if (here.has(p)) this.#away.delete(p);
      else this.#away.add(p);
    this.flush();
  }

  left(peer: string): void {
    if (this.#known.has(peer)) this.#away.add(peer);
  }

  joined(peer: string): void {
    if (this.#away.delete(peer)) this.flush();
  }

  /** Sends every queued frame whose peer is here, in order. */
  flush(): void {
    const blocked = new Set<string | undefined>(this.#away);
    for (let i = 0; i < this.#queue.length; ) {
      const e = this.#queue[i]!;
      if (!blocked.has(e.to) && this.#write(e)) this.#queue.splice(i, 1);
      else {
        blocked.add(e.to); // keep this peer's later frames behind it
        i++;
      }
    }
  }

  #write(e: Entry): boolean {
    if (e.to === undefined) return this.#wire.publish(e.data);
    const ref = this.#wire.send(e.to, e.data);
    if (ref === undefined) return false;
    this.#sent.set(ref, e);
    if (this.#sent.size > 1024) this.#sent.delete(this.#sent.keys().next().value!);
    return true;
  }
}
