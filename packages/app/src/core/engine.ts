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
  ready,
  SealpeerClient,
  type Session,
  SignalingIntegrityError,
  TrustStore,
} from '@sealpeer/client';
import type { AlertArea } from '../ui/alert.ts';
import type { AppConfig } from './config.ts';
import { ContactBook } from './contacts.ts';
import type { DeviceInfo, Engine, RelayStatus, ShownCode, ShownInvite } from './engine-api.ts';
import { deviceFingerprint, peerKeys } from './keys.ts';
import { type PeerModel, Signal } from './model.ts';
import { integrityAlert, PeerLink } from './peer-link.ts';
import { type KeyValue, openStorage } from './storage.ts';
import { contactAddress } from './trust.ts';

/** Loads (or creates) this device's identity and returns the engine. */
export async function createEngine(config: AppConfig, alerts: AlertArea): Promise<Engine> {
  await ready();
  const identity = await Identity.loadOrCreate(new IndexedDbIdentityStore());
  const trust = new TrustStore(new IndexedDbTrustStorage());
  const engine = new AppEngine(config, alerts, await openStorage(), identity, trust);
  await engine.contacts.logs.load(config.keyshareUrls);
  return engine;
}

type Path = PeerModel['path'];

class AppEngine implements Engine {
  readonly changed = new Signal();
  private readonly clients = new Map<string, Promise<SealpeerClient>>();
  private readonly links = new Map<string, PeerLink>();
  /** The relay connection's state per channel key (origin|channelId), as the client reports it. */
  private readonly relayStates = new Map<string, RelayStatus>();
  /** Cross-check results by session id (the check may finish before the engine adopts the session). */
  private readonly crossChecks = new Map<string, CrossCheck>();
  readonly contacts: ContactBook;

  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertArea,
    private readonly kv: KeyValue,
    private readonly identity: Identity,
    private readonly trust: TrustStore,
  ) {
    this.contacts = new ContactBook(trust, kv, identity);
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
      client.on('session', (s) =>
        this.adopt(client, s, s.path === 2 ? 'code' : s.path === 3 ? 'contact' : 'invite'),
      );
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
    const link = new PeerLink(session, client.channelId, path, {
      changed: () => this.changed.emit(),
      rtcConfig: { iceServers: this.config.iceServers },
      onFailure: (title, body, code) => this.alerts.show({ title, body, code, testid: 'integrity-warning' }),
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
    const address = contactAddress(client.server, client.channelId, link.session.peerClientId ?? '');
    const { state } = await this.trust.observe(address, peer.identity);
    link.opened(peer, address, state);
    if (state === 'key-changed') {
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
  }

  async acceptKeyChange(peerId: string): Promise<void> {
    const link = this.links.get(peerId);
    if (!link?.address || !link.peerIdentity) return;
    await this.trust.acceptKeyChange(link.address, link.peerIdentity); // only the key this panel showed
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
