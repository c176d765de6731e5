// The known-contact side of SealpeerClient (docs/protocol.md 2.14): which tags to listen on (pair tags of
// contacts, inbox tags of keys this device sends a request to, and its own inbox when it accepts
// requests), presence from the relay's rendezvous events, and which HELLO a rendezvous partner may send.

import type { KeyPair } from '../crypto/sodium.ts';
import { SessionError } from '../errors/client-errors.ts';
import type { KnownPeer } from '../pairing/known.ts';
import {
  type ContactPeer,
  RendezvousBook,
  rendezvousContext,
  rendezvousTag,
  type TagEntry,
} from '../pairing/rendezvous.ts';
import { inboxContext, inboxTag } from '../pairing/request.ts';
import type { RendezvousMatch } from '../relay/connection.ts';

export interface ContactsHost {
  readonly staticKeyPair: KeyPair;
  rendezvous(tags: readonly string[]): Promise<RendezvousMatch[]>;
  presence(peer: ContactPeer, state: 'online' | 'offline'): void;
}

export interface Route {
  clientId: string;
  /** The prologue's channel field (2.14). */
  context: string;
}

export class ContactDialer {
  readonly #book = new RendezvousBook();
  #contacts: readonly ContactPeer[] = [];
  readonly #requests = new Map<string, ContactPeer>();
  #acceptRequests = false;

  constructor(private readonly host: ContactsHost) {}

  /** Listens on exactly these contacts (and the request/inbox tags in use): one frame for all (1.8). */
  async listen(contacts: readonly ContactPeer[], o: { acceptRequests?: boolean } = {}): Promise<void> {
    this.#contacts = [...contacts];
    if (o.acceptRequests !== undefined) this.#acceptRequests = o.acceptRequests;
    await this.#relisten();
  }

  async #relisten(): Promise<void> {
    const own = this.host.staticKeyPair;
    const tags = new Map<string, TagEntry>();
    for (const peer of this.#contacts) tags.set(rendezvousTag(own, peer.staticKey), { kind: 'pair', peer });
    for (const [tag, peer] of this.#requests) if (!tags.has(tag)) tags.set(tag, { kind: 'request', peer });
    if (this.#acceptRequests) tags.set(inboxTag(own.publicKey), { kind: 'inbox' });
    const list = this.#book.setTags(tags);
    // Request tags are dialled (`~`, 1.8): other callers of the same inbox never see us, nor we them.
    const wire = list.map((t) => (tags.get(t)?.kind === 'request' ? `~${t}` : t));
    for (const m of await this.host.rendezvous(wire)) this.onEvent('join', m.tag, m.clientId);
  }

  onEvent(ev: 'join' | 'leave', tag: string, clientId: string): void {
    const changed = ev === 'join' ? this.#book.join(tag, clientId) : this.#book.leave(tag, clientId);
    const e = this.#book.entry(tag);
    if (changed && e?.kind === 'pair') this.host.presence(e.peer, ev === 'join' ? 'online' : 'offline');
  }

  /**
   * After a reconnect the relay listed the partners on our tags again: the book starts over from that
   * list; pair contacts that came or went meanwhile are reported.
   */
  resumed(partners: readonly RendezvousMatch[]): void {
    const was = new Set(this.#contacts.filter((p) => this.online(p)));
    this.#book.reset();
    for (const m of partners) this.#book.join(m.tag, m.clientId);
    for (const p of this.#contacts) {
      const now = this.online(p);
      if (now !== was.has(p)) this.host.presence(p, now ? 'online' : 'offline');
    }
  }

  online(peer: Pick<KnownPeer, 'staticKey'>): boolean {
    return this.#book.partner(rendezvousTag(this.host.staticKeyPair, peer.staticKey)) !== undefined;
  }

  /** Where to send a path 3 HELLO to this contact, or `contact_offline`. */
  pairRoute(peer: ContactPeer): Route {
    const tag = rendezvousTag(this.host.staticKeyPair, peer.staticKey);
    const clientId = this.#book.partner(tag);
    if (clientId === undefined)
      throw new SessionError('contact_offline', 'the contact is offline (not on the rendezvous now)');
    return { clientId, context: rendezvousContext(tag) };
  }

  /** Listens on the key's inbox too; where to send a path 4 HELLO, or `contact_offline`. */
  async requestRoute(peer: ContactPeer): Promise<Route> {
    const tag = inboxTag(peer.staticKey);
    if (!this.#requests.has(tag)) {
      this.#requests.set(tag, peer);
      await this.#relisten();
    }
    const clientId = this.#book.partner(tag);
    if (clientId === undefined)
      throw new SessionError('contact_offline', 'the contact does not accept requests now (offline)');
    return { clientId, context: inboxContext(tag) };
  }

  /** The contact and prologue context a path 3 HELLO from this clientId is read with, if a partner. */
  pairOf(clientId: string): { peer: ContactPeer; context: string } | undefined {
    const tag = this.#book.tagOf(clientId, 'pair');
    const e = tag === undefined ? undefined : this.#book.entry(tag);
    return tag !== undefined && e?.kind === 'pair'
      ? { peer: e.peer, context: rendezvousContext(tag) }
      : undefined;
  }

  /** The prologue context a path 4 HELLO from this clientId is read with, if it is on our inbox. */
  inboxOf(clientId: string): string | undefined {
    const tag = this.#book.tagOf(clientId, 'inbox');
    return tag === undefined ? undefined : inboxContext(tag);
  }
}
