// The app's engine over @sealpeer/client: one SealpeerClient per channel, the sealed sessions, trust on
// first use per contact, chat as sealed application messages, and WebRTC (calls) negotiated through the
// sessions. Screens see only core/engine-api.ts. Any SignalingIntegrityError or key change ends in a red
// warning and no WebRTC connection for that peer.
import {
  type CrossCheck,
  Identity,
  IndexedDbIdentityStore,
  IndexedDbTrustStorage,
  parseInviteUri,
  SealpeerClient,
  type Session,
  SignalingIntegrityError,
  TrustStore,
} from '@sealpeer/client';
import { ready, toHex } from '@sealpeer/client/crypto';
import type { AlertArea } from '../ui/alert.ts';
import type { AppConfig } from './config.ts';
import { ContactRendezvous } from './contact-link.ts';
import { ContactBook, type ContactView } from './contacts.ts';
import {
  DeviceLinks,
  importLinkTransfer,
  type LinkOffer,
  type LinkSendState,
  linkTransferOf,
  type ShownLink,
  senderFingerprint,
} from './device-link.ts';
import type { DeviceInfo, Engine, RelayStatus, ShownCode, ShownInvite } from './engine-api.ts';
import { HideIpSettings } from './hide-ip.ts';
import { deviceFingerprint, peerKeys } from './keys.ts';
import { type PeerModel, Signal } from './model.ts';
import { integrityAlert, PeerLink } from './peer-link.ts';
import { rtcSetup } from './rtc.ts';
import {
  type ContactList,
  contactIdOf,
  loadContactList,
  type PairedBy,
  type SavedContact,
} from './saved-contacts.ts';
import { type KeyValue, openStorage } from './storage.ts';
import { contactAddress } from './trust.ts';

/** Loads (or creates) this device's identity and returns the engine. */
export async function createEngine(config: AppConfig, alerts: AlertArea): Promise<Engine> {
  await ready();
  const identity = await Identity.loadOrCreate(new IndexedDbIdentityStore());
  const trust = new TrustStore(new IndexedDbTrustStorage());
  const kv = await openStorage();
  const lists = { saved: await loadContactList(kv), hideIp: await HideIpSettings.load(kv) };
  const engine = new AppEngine(config, alerts, kv, identity, trust, lists);
  await engine.contacts.logs.load(config.keyshareUrls);
  // Saved contacts can reach this device as soon as it is open (one relay connection for all of them).
  if (engine.savedContacts().length > 0 || (await engine.published()))
    void engine.rendezvous.start().catch(() => undefined);
  return engine;
}

type Path = PeerModel['path'];
const PATHS: Record<number, Path> = { 1: 'invite', 2: 'code', 3: 'contact', 4: 'request' };

class AppEngine implements Engine {
  readonly changed = new Signal();
  private readonly clients = new Map<string, Promise<SealpeerClient>>();
  private readonly links = new Map<string, PeerLink>();
  /** The relay connection's state per channel key (origin|channelId), as the client reports it. */
  private readonly relayStates = new Map<string, RelayStatus>();
  /** Cross-check results by session id (the check may finish before the engine adopts the session). */
  private readonly crossChecks = new Map<string, CrossCheck>();
  readonly contacts: ContactBook;
  readonly rendezvous: ContactRendezvous;
  private readonly saved: ContactList;
  /** "Hide my IP address from peers": the global setting and each contact's choice (core/hide-ip.ts). */
  readonly hideIp: HideIpSettings;
  private readonly deviceLinks: DeviceLinks;

  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertArea,
    private readonly kv: KeyValue,
    private readonly identity: Identity,
    private readonly trust: TrustStore,
    lists: { saved: ContactList; hideIp: HideIpSettings },
  ) {
    this.saved = lists.saved;
    this.hideIp = lists.hideIp;
    this.contacts = new ContactBook(trust, kv, identity);
    this.rendezvous = new ContactRendezvous(config.server, kv, lists.saved, {
      client: (channelId) => this.client(channelId),
      changed: () => this.changed.emit(),
      acceptRequests: () => this.published(),
    });
    this.deviceLinks = new DeviceLinks({
      server: config.server,
      client: (channelId) => this.client(channelId),
      transfer: () => linkTransferOf(this.contacts, this.saved),
      importTransfer: async (t) => {
        await importLinkTransfer(this.contacts, this.saved, t);
        await this.rendezvous.refresh().catch(() => undefined);
      },
      changed: () => this.changed.emit(),
    });
  }

  get turnOffered(): boolean {
    return this.config.turn;
  }

  device(): DeviceInfo {
    return deviceFingerprint(this.identity);
  }

  async replaceIdentity(): Promise<void> {
    for (const c of this.clients.values()) void c.then((client) => client.close()).catch(() => undefined);
    await new IndexedDbIdentityStore().save(Identity.generate());
    location.reload();
  }

  /** The relay sessionId this device uses in a channel: kept, so its clientId there stays the same. */
  private async relaySessionId(server: string, channelId: string): Promise<string> {
    const key = `relay-session|${new URL(server).origin}|${channelId}`;
    const known = await this.kv.get(key);
    if (typeof known === 'string' && /^[0-9a-f-]{36}$/.test(known)) return known;
    const fresh = crypto.randomUUID();
    await this.kv.put(key, fresh);
    return fresh;
  }

  private setRelay(key: string, state: RelayStatus): void {
    if (this.relayStates.get(key) === state) return;
    this.relayStates.set(key, state);
    this.changed.emit();
  }

  relayState(channelId: string): RelayStatus {
    return this.relayStates.get(`${new URL(this.config.server).origin}|${channelId}`) ?? 'connecting';
  }

  private client(channelId: string, server = this.config.server): Promise<SealpeerClient> {
    const key = `${new URL(server).origin}|${channelId}`;
    let pending = this.clients.get(key);
    if (pending) return pending;
    this.setRelay(key, 'connecting');
    pending = (async () => {
      // The client reconnects by itself and keeps open sessions (docs/protocol.md 2.13); it only ever
      // gives up when another tab takes its credential over.
      const client = await SealpeerClient.connect({
        server,
        channelId,
        identity: this.identity,
        sessionId: await this.relaySessionId(server, channelId),
        // docs/protocol.md 2.6: our keyshare checkpoints in CONFIRM; the peer's checked before it opens.
        checkpoints: () => this.contacts.logs.checkpoints(),
        verifyPeerCheckpoints: (peer, s) => this.crossCheck(peer, s),
      });
      client.on('session', (s) => this.adopt(client, s, PATHS[s.path] ?? 'invite'));
      client.on('relay-state', (state) => this.setRelay(key, state));
      client.on('close', () => this.clients.delete(key));
      this.setRelay(key, 'connected');
      return client;
    })();
    pending.catch(() => {
      this.clients.delete(key);
      this.setRelay(key, 'offline');
    });
    this.clients.set(key, pending);
    return pending;
  }

  async enterChannel(channelId: string): Promise<void> {
    await this.client(channelId);
  }

  peers(channelId: string): PeerModel[] {
    return [...this.links.values()]
      .filter((l) => l.model.channelId === channelId)
      .map((l) => l.model)
      .reverse();
  }

  peer(id: string): PeerModel | undefined {
    return this.links.get(id)?.model;
  }

  /** Runs before the session opens; a split view throws (the session fails: checkpoint_rejected). */
  private async crossCheck(peer: readonly string[], session: Session): Promise<void> {
    const result = await this.contacts.logs.crossCheck(peer);
    this.crossChecks.set(session.id, result);
    this.links.get(session.id)?.setCrossCheck(result);
  }

  private adopt(client: SealpeerClient, session: Session, path: Path): PeerLink {
    const existing = this.links.get(session.id);
    if (existing) return existing;
    const link: PeerLink = new PeerLink(session, client.channelId, path, {
      changed: () => this.changed.emit(),
      rtcSetup: () => {
        const contact = link.peerIdentity ? this.saved.byIdentity(link.peerIdentity) : undefined;
        return rtcSetup(this.hideIp.decide(contact, link.model.path).on, client, this.config);
      },
      onFailure: (title, body, code) => this.alerts.show({ title, body, code, testid: 'integrity-warning' }),
      onLinkMessage: (bytes) => this.deviceLinks.receive(session, bytes, senderFingerprint(session)),
    });
    this.links.set(session.id, link);
    const checked = this.crossChecks.get(session.id);
    if (checked) link.setCrossCheck(checked);
    session.opened.then(() => this.onOpen(client, link)).catch(() => undefined);
    this.changed.emit();
    return link;
  }

  /** Removers of the page-level key-change banners, by peer id (gone once the key is accepted). */
  private readonly keyAlerts = new Map<string, () => void>();

  private async onOpen(client: SealpeerClient, link: PeerLink): Promise<void> {
    const peer = peerKeys(link.session);
    // A contact reached through its rendezvous is known by its identity; a channel peer by its address.
    const address =
      link.model.path === 'contact' || link.model.path === 'request'
        ? `contact:${contactIdOf(peer.identity)}`
        : contactAddress(client.server, client.channelId, link.session.peerClientId ?? '');
    const { state } = await this.trust.observe(address, peer.identity);
    link.opened(peer, address, state);
    const saved = this.saved.byIdentity(peer.identity);
    if (saved) {
      link.model.label = saved.name;
      // Verifying a key anywhere verifies it everywhere (issue 15).
      if (saved.verified && state !== 'key-changed') link.setTrust('verified');
    }
    if (link.model.pendingRequest) {
      // Not the red alarm (that is for proof of tampering only): the request waits on Contacts.
      this.changed.emit();
      return;
    }
    if (state === 'key-changed') {
      // A saved contact met here before: blocked too (not listened for) until the new key is accepted.
      const pinned = await this.trust.get(address);
      if (pinned && (await this.saved.markKeyChanged(pinned.key, peer.identity)))
        await this.rendezvous.refresh().catch(() => undefined);
      const dismiss = this.alerts.show({
        title: 'Key changed: this contact is blocked',
        body: `Peer ${link.model.label} now uses a different key than before. Nothing is sent to it until you accept the new key on its panel. Check the safety number with them first.`,
        code: 'key_changed',
        testid: 'key-change-warning',
      });
      this.keyAlerts.set(link.model.id, dismiss);
      return;
    }
    link.startRtc();
  }

  async createInvite(channelId: string): Promise<ShownInvite> {
    const client = await this.client(channelId);
    const invite = client.createInvite({ appOrigin: location.origin });
    invite.session.catch((err) => this.spentAttemptFailed(err, false));
    return { uri: invite.uri, expiresAt: invite.expiresAt.getTime(), cancel: () => invite.cancel() };
  }

  /**
   * An invite or shown code whose proven attempt then failed with proof of tampering (docs/protocol.md
   * 2.7: e.g. a split view found while checking): no peer panel exists yet, so the page warns here.
   * Anything else (expired, cancelled, could not connect) needs no alarm.
   */
  private spentAttemptFailed(err: unknown, codePairing: boolean): void {
    if (!(err instanceof SignalingIntegrityError)) return;
    this.alerts.show({ ...integrityAlert(err, codePairing), testid: 'integrity-warning' });
  }

  async acceptInvite(uri: string): Promise<{ channelId: string; peerId: string }> {
    const payload = parseInviteUri(uri);
    const client = await this.client(payload.channelId, payload.server);
    const opened = client.acceptInvite(uri);
    const link = this.adopt(client, newestSession(client), 'invite');
    await opened;
    return { channelId: payload.channelId, peerId: link.model.id };
  }

  async showCode(channelId: string): Promise<ShownCode> {
    const client = await this.client(channelId);
    const shown = client.showCode();
    shown.session.catch((err) => this.spentAttemptFailed(err, true));
    return { code: shown.code, cancel: () => shown.cancel() };
  }

  async joinWithCode(channelId: string, code: string): Promise<{ peerId: string }> {
    const client = await this.client(channelId);
    const opened = client.joinWithCode(code);
    const link = this.adopt(client, newestSession(client), 'code');
    await opened;
    return { peerId: link.model.id };
  }

  sendChat(peerId: string, text: string): void {
    this.links.get(peerId)?.sendChat(text);
  }

  async markVerified(peerId: string): Promise<void> {
    const link = this.links.get(peerId);
    if (!link?.address || !link.peerIdentity) return;
    await this.trust.markVerified(link.address, link.peerIdentity, 'safety-number');
    link.setTrust('verified');
    await this.saved.markVerified(link.peerIdentity, 'safety-number');
    this.verifiedEverywhere(toHex(link.peerIdentity.ed25519));
  }

  /** Every open pairing with this identity shows it verified. */
  private verifiedEverywhere(id: string): void {
    for (const l of this.links.values())
      if (l.peerIdentity && contactIdOf(l.peerIdentity) === id && l.model.trust === 'unverified')
        l.setTrust('verified');
    this.changed.emit();
  }

  // ---- saved contacts (issue 15; docs/protocol.md 2.14) ----

  /** Whether this device published its keys on one of the server's keyshares (it takes requests). */
  async published(): Promise<boolean> {
    for (const url of this.config.keyshareUrls) if (await this.contacts.ownHandle(url)) return true;
    return false;
  }

  savedContacts(): readonly SavedContact[] {
    return this.saved.all();
  }

  savedContact(id: string): SavedContact | undefined {
    return this.saved.get(id);
  }

  /** The saved contact a pairing is with, if its identity is saved. */
  savedContactOf(peerId: string): SavedContact | undefined {
    const id = this.links.get(peerId)?.peerIdentity;
    return id ? this.saved.byIdentity(id) : undefined;
  }

  async saveContact(peerId: string, name: string): Promise<void> {
    const link = this.links.get(peerId);
    if (!link?.peerIdentity || link.model.link !== 'open')
      throw new Error('Only an open pairing can be saved.');
    const path = link.model.path;
    const pairedBy: PairedBy = path === 'invite' ? 'qr' : path === 'request' ? 'keyshare' : path;
    const c = await this.saved.save(link.peerIdentity, {
      name,
      pairedBy,
      verified: link.model.trust === 'verified' ? 'safety-number' : undefined,
    });
    link.model.label = c.name;
    await this.rendezvous.refresh();
  }

  /** Saves a contact looked up on a keyshare (its handle kept; verified if the lookup was). */
  async saveLookedUp(view: ContactView, name: string): Promise<SavedContact> {
    if (view.status !== 'active') throw new Error('Only an active record can be saved.');
    const c = await this.saved.save(view.identity, {
      name,
      pairedBy: 'keyshare',
      handle: view.handle,
      verified: view.trust === 'verified' ? 'keyshare' : undefined,
    });
    await this.rendezvous.refresh();
    return c;
  }

  async renameContact(id: string, name: string): Promise<void> {
    await this.saved.rename(id, name);
    for (const l of this.links.values())
      if (l.peerIdentity && contactIdOf(l.peerIdentity) === id)
        l.model.label = this.saved.get(id)?.name ?? '';
    this.changed.emit();
  }

  async deleteContact(id: string): Promise<void> {
    await this.saved.remove(id);
    await this.rendezvous.refresh();
  }

  /** A key verified on the Contacts screen (keyshare lookup) is verified for its saved contact and pairings. */
  async keyVerified(view: ContactView): Promise<void> {
    await this.saved.markVerified(view.identity, 'keyshare');
    this.verifiedEverywhere(contactIdOf(view.identity));
  }

  contactOnline(id: string): boolean {
    return this.rendezvous.isOnline(id);
  }

  /**
   * The pairing to show for a contact: a live one with it (both sides prefer the sessions started by the
   * side with the smaller identity key, so simultaneous Chat clicks end up in the same session; of those
   * the newest).
   */
  contactPeer(id: string): PeerModel | undefined {
    const mine = toHex(this.identity.publicIdentity.ed25519);
    const live = [...this.links.values()].filter(
      (l) =>
        (l.session.path === 3 || l.session.path === 4) &&
        !l.session.terminal &&
        toHex(l.session.peerIdentityKey ?? new Uint8Array()) === id,
    );
    const preferred = (l: PeerLink): boolean => (l.session.role === 'initiator') === mine < id;
    // The newest of them: an older one may be stale (the peer reloaded without a goodbye).
    return (live.filter(preferred).pop() ?? live.pop())?.model;
  }

  /** Chat/Call on a contact: its live pairing, or a new Noise KK session if it is online. */
  async chatContact(id: string): Promise<string> {
    const existing = this.contactPeer(id);
    if (existing) return existing.id;
    const c = this.saved.get(id);
    if (!c) throw new Error('No such contact.');
    if (c.pendingKey) throw new Error('This contact’s key changed: blocked until you accept the new key.');
    const request = !this.rendezvous.isOnline(id) && c.pairedBy === 'keyshare';
    const { client, opened } = await this.rendezvous.connect(c, request);
    const link = this.adopt(client, newestSession(client), request ? 'request' : 'contact');
    await opened;
    return link.model.id;
  }

  /** Pending contact requests (path 4) this device has not answered. */
  contactRequests(): PeerModel[] {
    return [...this.links.values()]
      .filter((l) => l.model.pendingRequest && l.model.link === 'open')
      .map((l) => l.model);
  }

  /** Accepts a request: saves the caller under `name` (pairedBy keyshare) and lets the session go on. */
  async acceptRequest(peerId: string, name: string): Promise<void> {
    const link = this.links.get(peerId);
    if (!link?.peerIdentity || !link.model.pendingRequest) return;
    const c = await this.saved.save(link.peerIdentity, { name, pairedBy: 'keyshare' });
    link.model.label = c.name;
    link.acceptRequest();
    link.startRtc();
    await this.rendezvous.refresh();
  }

  declineRequest(peerId: string): void {
    this.links.get(peerId)?.close();
    this.changed.emit();
  }

  exportContacts(): string {
    return this.saved.exportText();
  }

  async importContacts(text: string): Promise<number> {
    const n = await this.saved.importText(text);
    await this.rendezvous.refresh();
    return n;
  }

  // ---- link another device (docs/protocol.md 2.15) ----

  linkDevice(onState: (s: LinkSendState) => void): Promise<ShownLink> {
    return this.deviceLinks.start(onState);
  }

  linkOffer(peerId: string): LinkOffer | undefined {
    return this.deviceLinks.offer(peerId);
  }

  importLink(peerId: string): Promise<void> {
    return this.deviceLinks.accept(peerId);
  }

  async acceptKeyChange(peerId: string): Promise<void> {
    const link = this.links.get(peerId);
    if (!link?.address || !link.peerIdentity) return;
    await this.trust.acceptKeyChange(link.address, link.peerIdentity); // only the key this panel showed
    // The saved contact moves to exactly the key this pairing presented (the one the user reviewed).
    const saved = this.saved.withPendingKey(link.peerIdentity);
    if (saved) {
      await this.saved.acceptNewKey(saved.id, link.peerIdentity);
      await this.rendezvous.refresh().catch(() => undefined);
    }
    link.setTrust('unverified');
    link.startRtc();
    // The blocked banner goes, and the peer, which was told its key awaits review, hears it was accepted.
    this.keyAlerts.get(peerId)?.();
    this.keyAlerts.delete(peerId);
    link.tellKeyAccepted();
  }

  startCall(peerId: string): Promise<void> {
    return this.links.get(peerId)?.startCall() ?? Promise.resolve();
  }

  endCall(peerId: string): void {
    this.links.get(peerId)?.endCall();
  }

  close(peerId: string): void {
    this.links.get(peerId)?.close();
  }
}

/** The session a client call just created (sessions are kept in creation order). */
function newestSession(client: SealpeerClient): Session {
  const all = client.sessions();
  const s = all[all.length - 1];
  if (!s) throw new Error('the client created no session');
  return s;
}
