// "Link another device" (issue 15 §3, docs/protocol.md 2.15): the sender shows a QR invite on a private
// channel of its own; the device that scans it pairs (path 1, the sender's keys come from the QR) and the
// sender sends its contacts and pinned keyshare keys over that sealed session. The receiver takes a
// transfer only on a session it opened by scanning (path 1, initiator): on any other session it is
// refused (`link_unverified_session`) before anything is buffered. It shows what it would import and
// imports on its user's confirmation. One receiver state per session:
// receiving → offered → importing → imported, or refused (terminal).
import type { SealpeerClient, Session } from '@sealpeer/client';
import { createChannel } from './channels.ts';
import type { ContactBook } from './contacts.ts';
import { AppError } from './errors.ts';
import { peerKeys } from './keys.ts';
import { encodeLinkParts, LinkAssembler, type LinkTransfer } from './link-transfer.ts';
import type { ContactList } from './saved-contacts.ts';

/** Pause between parts of a long transfer, under the relay's frame rate and queue limits (1.7). */
const PART_PAUSE_MS = 40;

export type LinkSendState =
  | { state: 'waiting' }
  | { state: 'sending' }
  | { state: 'sent'; contacts: number; keyshares: number; to: string }
  | { state: 'failed'; message: string };

export type LinkOffer =
  | { state: 'receiving' }
  | { state: 'offered' | 'importing' | 'imported'; transfer: LinkTransfer; from: string }
  | { state: 'refused'; code: string; message: string };

export interface ShownLink {
  uri: string;
  expiresAt: number;
  cancel(): void;
}

export interface DeviceLinkDeps {
  server: string;
  /** The client of a channel (the engine's, so the session shows like any pairing). */
  client(channelId: string): Promise<SealpeerClient>;
  /** What this device sends: its contacts and pinned keyshares. */
  transfer(): Promise<LinkTransfer>;
  /** Imports a received transfer (contacts with their verified state, keyshare pins). */
  importTransfer(t: LinkTransfer): Promise<void>;
  changed(): void;
}

/** Only a session this device opened by scanning the sender's QR carries a transfer (2.15 rule 9). */
export function linkSessionVerified(s: Pick<Session, 'path' | 'role'>): boolean {
  return s.path === 1 && s.role === 'initiator';
}

/** What "Link another device" sends: every saved contact and the keyshares pinned here. */
export async function linkTransferOf(book: ContactBook, saved: ContactList): Promise<LinkTransfer> {
  const known = await book.knownKeyshares();
  return {
    contacts: [...saved.all()],
    keyshares: known
      .filter((k) => k.source === 'pinned')
      .map(({ name, url, verifierKey, witnesses }) => ({ name, url, verifierKey, witnesses })),
  };
}

/**
 * Imports a transfer the user confirmed (it came over a session opened by scanning the sender's QR):
 * keyshares pinned as if pasted, contacts added with their verified state (existing ones kept).
 */
export async function importLinkTransfer(
  book: ContactBook,
  saved: ContactList,
  t: LinkTransfer,
): Promise<void> {
  for (const k of t.keyshares) await book.pinKeyshare(k);
  await saved.importText(JSON.stringify({ sealpeerContacts: 1, contacts: t.contacts }));
}

/** The sender's 30 fingerprint digits, from the open session itself (shown on the offer). */
export function senderFingerprint(session: Session): string {
  try {
    return peerKeys(session).fingerprint;
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DeviceLinks {
  private readonly incoming = new Map<string, { assembler: LinkAssembler; offer: LinkOffer }>();

  constructor(private readonly deps: DeviceLinkDeps) {}

  /** Sender: a private channel, a QR invite on it; the transfer goes to whoever pairs by it. */
  async start(onState: (s: LinkSendState) => void): Promise<ShownLink> {
    const channel = await createChannel(this.deps.server, false);
    const client = await this.deps.client(channel.channelId);
    const invite = client.createInvite({ appOrigin: location.origin });
    onState({ state: 'waiting' });
    invite.session
      .then(async (session) => {
        onState({ state: 'sending' });
        const t = await this.deps.transfer();
        const parts = encodeLinkParts(t);
        for (const [i, p] of parts.entries()) {
          if (i > 0) await sleep(PART_PAUSE_MS);
          session.send(p);
        }
        const to = peerKeys(session).fingerprint;
        onState({ state: 'sent', contacts: t.contacts.length, keyshares: t.keyshares.length, to });
      })
      .catch((err: unknown) =>
        onState({ state: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    return { uri: invite.uri, expiresAt: invite.expiresAt.getTime(), cancel: () => invite.cancel() };
  }

  /** Receiver: one `device-link` APP message on `session` (validated; a refusal is terminal). */
  receive(session: Pick<Session, 'id' | 'path' | 'role'>, bytes: Uint8Array, from: string): void {
    let entry = this.incoming.get(session.id);
    if (!entry) {
      entry = { assembler: new LinkAssembler(), offer: { state: 'receiving' } };
      this.incoming.set(session.id, entry);
      if (!linkSessionVerified(session)) {
        entry.offer = {
          state: 'refused',
          code: 'link_unverified_session',
          message:
            'Refused a device link over a session this device did not open by scanning that device’s QR code.',
        };
        this.deps.changed();
        return;
      }
    }
    if (entry.offer.state !== 'receiving') {
      // Terminal or complete: a part after the last one is refused, the offer stays as it was.
      if (entry.offer.state === 'offered')
        entry.offer = {
          state: 'refused',
          code: 'link_out_of_order',
          message: 'A part came after the last one.',
        };
      this.deps.changed();
      return;
    }
    try {
      const transfer = entry.assembler.push(bytes);
      if (transfer) entry.offer = { state: 'offered', transfer, from };
    } catch (err) {
      entry.offer =
        err instanceof AppError
          ? { state: 'refused', code: err.code, message: err.message }
          : { state: 'refused', code: 'link_malformed', message: String(err) };
    }
    this.deps.changed();
  }

  offer(peerId: string): LinkOffer | undefined {
    return this.incoming.get(peerId)?.offer;
  }

  /** The user confirmed: imports the offered transfer once. */
  async accept(peerId: string): Promise<void> {
    const entry = this.incoming.get(peerId);
    const offer = entry?.offer;
    if (!entry || !offer || offer.state !== 'offered') throw new Error('Nothing to import from this device.');
    entry.offer = { ...offer, state: 'importing' };
    this.deps.changed();
    try {
      await this.deps.importTransfer(offer.transfer);
      entry.offer = { ...offer, state: 'imported' };
    } catch (err) {
      entry.offer = offer;
      throw err;
    } finally {
      this.deps.changed();
    }
  }
}
