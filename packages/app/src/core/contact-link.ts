// Reaching saved contacts without an invite (docs/protocol.md 2.14): one relay connection in a private
// channel of this device's own, listening on the rendezvous tags of all saved contacts at once; presence
// per contact from the relay's rendezvous events; Chat/Call start a Noise KK session to an online contact.
// An offline contact is shown offline: nothing is sent anywhere else, and never unsealed.
import type { ContactPeer, SealpeerClient, Session } from '@sealpeer/client';
import { toHex } from '@sealpeer/client/crypto';
import { createChannel } from './channels.ts';
import { type ContactList, identityOf, type SavedContact } from './saved-contacts.ts';
import type { KeyValue } from './storage.ts';

const peerOf = (c: SavedContact): ContactPeer => {
  const id = identityOf(c);
  return { staticKey: id.x25519, identityKey: id.ed25519 };
};

export interface ContactLinkHooks {
  /** The engine's shared client for a channel (its 'session' events adopt incoming contact sessions). */
  client(channelId: string): Promise<SealpeerClient>;
  changed(): void;
  /** Whether this device takes contact requests on its inbox (it published its keys on a keyshare). */
  acceptRequests(): Promise<boolean>;
}

export class ContactRendezvous {
  private started: Promise<SealpeerClient> | undefined;
  private readonly online = new Set<string>();
  /** 'listening' once the tags are registered; 'failed' with the reason when the relay cannot be reached. */
  status: 'idle' | 'connecting' | 'listening' | 'failed' = 'idle';

  constructor(
    private readonly server: string,
    private readonly kv: KeyValue,
    private readonly list: ContactList,
    private readonly hooks: ContactLinkHooks,
  ) {}

  private slot(): string {
    return `contacts-home|${new URL(this.server).origin}`;
  }

  /** This device's own private channel for its rendezvous connection (created once). */
  private async homeChannel(fresh: boolean): Promise<string> {
    const known = await this.kv.get(this.slot());
    if (!fresh && typeof known === 'string' && /^[0-9a-f-]{36}$/.test(known)) return known;
    const { channelId } = await createChannel(this.server, false);
    await this.kv.put(this.slot(), channelId);
    return channelId;
  }

  /** Connects and listens (idempotent); a home channel the server forgot is replaced once. */
  start(): Promise<SealpeerClient> {
    if (this.started) return this.started;
    this.status = 'connecting';
    const run = async (): Promise<SealpeerClient> => {
      let client: SealpeerClient;
      try {
        client = await this.hooks.client(await this.homeChannel(false));
      } catch (err) {
        if ((err as { serverCode?: string }).serverCode !== 'channel_not_found') throw err;
        client = await this.hooks.client(await this.homeChannel(true));
      }
      client.on('contact-presence', (peer, state) => {
        const id = toHex(peer.identityKey);
        if (state === 'online') this.online.add(id);
        else this.online.delete(id);
        this.hooks.changed();
      });
      client.on('close', () => {
        this.started = undefined;
        this.online.clear();
        this.status = 'failed';
        this.hooks.changed();
      });
      await this.listen(client);
      this.status = 'listening';
      this.hooks.changed();
      return client;
    };
    this.started = run();
    this.started.catch(() => {
      this.started = undefined;
      this.status = 'failed';
      this.hooks.changed();
    });
    return this.started;
  }

  private async listen(client: SealpeerClient): Promise<void> {
    // A contact whose key changed is blocked: not listened for until its user accepts the new key.
    const contacts = this.list.all().filter((c) => c.pendingKey === null);
    await client.listenContacts(contacts.map(peerOf), { acceptRequests: await this.hooks.acceptRequests() });
    this.online.clear();
    for (const c of contacts) if (client.contactOnline(peerOf(c))) this.online.add(c.id);
  }

  /** After a contact was saved or deleted: listen on exactly the current list. */
  async refresh(): Promise<void> {
    const client = await this.start();
    await this.listen(client);
    this.hooks.changed();
  }

  isOnline(id: string): boolean {
    return this.online.has(id);
  }

  /** The home channel's id, once connected (sessions with contacts are listed under it). */
  async channelId(): Promise<string> {
    return (await this.start()).channelId;
  }

  /** Noise KK to an online contact; `contact_offline` otherwise. */
  /** `request`: a contact request (path 4) to a keyshare-found key that does not know us yet. */
  async connect(
    c: SavedContact,
    request = false,
  ): Promise<{ client: SealpeerClient; opened: Promise<Session> }> {
    const client = await this.start();
    if (!request) return { client, opened: client.connectContact(peerOf(c)) };
    // Listens on the callee's inbox first (one relay round trip); contact_offline if it is not there.
    const session = await client.startContactRequest(peerOf(c));
    return { client, opened: session.opened };
  }
}
