// Known contacts' rendezvous (docs/protocol.md Part 2, 2.14): the tag only the two contacts can compute,
// and the book of which contact is online under which relay clientId.
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { blake2b, type KeyPair, x25519 } from '../crypto/sodium.ts';
import { encodeBase64url } from '../envelope/index.ts';
import type { KnownPeer } from './known.ts';

const LABEL = utf8('sealpeer/1 rendezvous');

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** tag = BLAKE2b-256(key = X25519(s, P), label ‖ lo ‖ hi), base64url (43 characters). */
export function rendezvousTag(own: KeyPair, peerStatic: Uint8Array): string {
  const dh = x25519(own.privateKey, peerStatic); // refuses a low-order key (bad_key)
  const [lo, hi] =
    compareBytes(own.publicKey, peerStatic) <= 0 ? [own.publicKey, peerStatic] : [peerStatic, own.publicKey];
  const tag = blake2b([concatBytes(LABEL, lo, hi)], 32, dh);
  dh.fill(0);
  return encodeBase64url(tag);
}

/** The prologue's channel field of a rendezvous session (2.14). */
export const rendezvousContext = (tag: string): string => `rv:${tag}`;

export interface ContactPeer extends KnownPeer {
  /** The app's name for it in the trust store (a changed key is then refused, 2.11). */
  contactId?: string;
}

/** What a tag this client listens on is for (2.14). */
export type TagEntry =
  | { kind: 'pair'; peer: ContactPeer }
  | { kind: 'request'; peer: ContactPeer }
  | { kind: 'inbox' };

/**
 * The tags this client listens on (pair tags of contacts, inbox tags of keys it sends a request to, its
 * own inbox) and which relay clientIds listen on them now (from rendezvous_ok / events).
 */
export class RendezvousBook {
  #tags = new Map<string, TagEntry>();
  readonly #online = new Map<string, Set<string>>(); // tag → clientIds
  readonly #byClient = new Map<string, Set<string>>(); // clientId → tags

  /** Replaces the tag list; returns the tags to listen on. Partners of dropped tags are forgotten. */
  setTags(tags: Map<string, TagEntry>): string[] {
    this.#tags = tags;
    for (const [tag, ids] of [...this.#online])
      if (!tags.has(tag)) for (const id of [...ids]) this.leave(tag, id);
    return [...tags.keys()];
  }

  /** Forgets every partner (the relay lost them with its socket); the tags stay. */
  reset(): void {
    this.#online.clear();
    this.#byClient.clear();
  }

  entry(tag: string): TagEntry | undefined {
    return this.#tags.get(tag);
  }

  /** A partner joined `tag`; false when the tag is not one of ours (ignored). */
  join(tag: string, clientId: string): boolean {
    if (!this.#tags.has(tag)) return false;
    const ids = this.#online.get(tag) ?? new Set<string>();
    ids.add(clientId);
    this.#online.set(tag, ids);
    const tags = this.#byClient.get(clientId) ?? new Set<string>();
    tags.add(tag);
    this.#byClient.set(clientId, tags);
    return true;
  }

  leave(tag: string, clientId: string): boolean {
    const ids = this.#online.get(tag);
    if (!ids?.delete(clientId)) return false;
    if (ids.size === 0) this.#online.delete(tag);
    const tags = this.#byClient.get(clientId);
    tags?.delete(tag);
    if (tags?.size === 0) this.#byClient.delete(clientId);
    return true;
  }

  /** The newest clientId listening on `tag` now, if any. */
  partner(tag: string): string | undefined {
    const ids = this.#online.get(tag);
    return ids ? [...ids].pop() : undefined;
  }

  /** The tag of `kind` a relay clientId shares with this client, if any. */
  tagOf(clientId: string, kind: TagEntry['kind']): string | undefined {
    for (const t of this.#byClient.get(clientId) ?? []) if (this.#tags.get(t)?.kind === kind) return t;
    return undefined;
  }
}
