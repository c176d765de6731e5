// Rendezvous tags (docs/protocol.md Part 1, 1.8): which live connections listen on which opaque tag, so
// that two contacts in different channels can `send` to each other. Memory only; one entry per
// (connection, tag), so the cost is O(online users × their contacts). With other nodes (bus/tags.ts) their
// connections are told and reached through the same methods.
import { out } from './frames.ts';

/** Listening connections a tag may hold (two contacts, each with a spare tab). */
export const MAX_LISTENERS_PER_TAG = 4;

/** 32 bytes as base64url without padding: 43 characters, the last one canonical (low 2 bits zero). */
const TAG = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export interface TagList {
  tags: string[];
  /** The tags marked `~` (dial only): not matched with other dialers of the tag. */
  dial: Set<string>;
}

/** The tags of a `rendezvous` frame, or undefined when the list is malformed (1.8). */
export function parseTags(list: string, max: number): TagList | undefined {
  if (list === '') return { tags: [], dial: new Set() };
  const items = list.split(',');
  const dial = new Set<string>();
  const tags = items.map((t) => {
    if (!t.startsWith('~')) return t;
    dial.add(t.slice(1));
    return t.slice(1);
  });
  if (tags.length > max || new Set(tags).size !== tags.length) return undefined;
  return tags.every((t) => TAG.test(t)) ? { tags, dial } : undefined;
}

export interface Listener {
  readonly clientId: string;
  readonly state: string;
  sendRaw(frame: Buffer): void;
  readonly tags: ReadonlySet<string>;
  /** Tags this connection only dials (1.8): two dialers of a tag never see or reach each other. */
  readonly dialTags: ReadonlySet<string>;
}

/** Whether two connections on `tag` see (and may send to) each other: not both dialers. */
export function visible(a: Listener, b: Listener, tag: string): boolean {
  return !(a.dialTags.has(tag) && b.dialTags.has(tag));
}

export class RendezvousRegistry<C extends Listener> {
  private readonly byTag = new Map<string, Set<C>>();

  listeners(tag: string): ReadonlySet<C> {
    return this.byTag.get(tag) ?? new Set();
  }

  /** Whether `next` fits: no tag may end up with more than MAX_LISTENERS_PER_TAG listeners. */
  fits(conn: C, next: readonly string[]): boolean {
    return next.every((t) => {
      const set = this.byTag.get(t);
      return !set || set.has(conn) || set.size < MAX_LISTENERS_PER_TAG;
    });
  }

  /** Moves `conn` from its current tags to `next`; returns the tags added and removed. */
  replace(conn: C, next: readonly string[]): { added: string[]; removed: string[] } {
    const want = new Set(next);
    const removed = [...conn.tags].filter((t) => !want.has(t));
    const added = next.filter((t) => !conn.tags.has(t));
    for (const t of removed) {
      const set = this.byTag.get(t);
      set?.delete(conn);
      if (set?.size === 0) this.byTag.delete(t);
    }
    for (const t of added) {
      let set = this.byTag.get(t);
      if (!set) {
        set = new Set();
        this.byTag.set(t, set);
      }
      set.add(conn);
    }
    return { added, removed };
  }

  /**
   * Tells the listeners of `tag` (but `except`) that `clientId` joined or left it; diallers (1.8) are
   * not told of another dialler.
   */
  tell(tag: string, event: 'join' | 'leave', clientId: string, dial: boolean, except?: C): void {
    const set = this.byTag.get(tag);
    if (!set || set.size === 0) return;
    const frame = Buffer.from(out.rendezvous(event, tag, clientId));
    for (const c of set) if (c !== except && !(dial && c.dialTags.has(tag))) c.sendRaw(frame);
  }

  /** tell() about a local connection. */
  announce(conn: C, tag: string, event: 'join' | 'leave'): void {
    this.tell(tag, event, conn.clientId, conn.dialTags.has(tag), conn);
  }

  /** The other local connections `conn` sees on its tags (1.8 `rendezvous_ok` matches). */
  matches(conn: C): Array<{ tag: string; clientId: string }> {
    const found: Array<{ tag: string; clientId: string }> = [];
    for (const tag of conn.tags)
      for (const c of this.byTag.get(tag) ?? [])
        if (c !== conn && visible(conn, c, tag)) found.push({ tag, clientId: c.clientId });
    return found;
  }

  /** Hands a frame from a partner on another node to `to` if it is on `tag` here and may be reached. */
  deliver(tag: string, to: string, fromDial: boolean, frame: Buffer): void {
    for (const c of this.byTag.get(tag) ?? [])
      if (c.clientId === to && c.state === 'ready' && !(fromDial && c.dialTags.has(tag))) c.sendRaw(frame);
  }

  /** The connection with `clientId` that shares a tag with `conn`, if any. */
  partner(conn: C, clientId: string): C | undefined {
    for (const t of conn.tags)
      for (const c of this.byTag.get(t) ?? [])
        if (c !== conn && c.clientId === clientId && visible(conn, c, t)) return c;
    return undefined;
  }

  /** Every tag with its listening connections. */
  all(): IterableIterator<[string, ReadonlySet<C>]> {
    return this.byTag.entries();
  }

  /** (tag, connection) entries held: the relay's rendezvous memory. */
  entries(): number {
    let n = 0;
    for (const set of this.byTag.values()) n += set.size;
    return n;
  }
}
