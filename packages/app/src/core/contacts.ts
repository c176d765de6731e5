// Contacts by keyshare handle: looks a handle up in a keyshare whose log verifier key the user pinned out
// of band (the keyshare client checks the record, its inclusion proof and the signed checkpoint), then
// pins the keys in the trust store under the handle, so a later different key is a key change.
import { KeyshareClient, type PublicIdentity, type TrustState, type TrustStore } from '@sealpeer/client';
import { deviceDigits } from './keys.ts';
import type { KeyValue } from './storage.ts';

export interface ContactView {
  contactId: string;
  handle: string;
  /** 'active' | 'revoked' | 'expired' as the log says. */
  status: string;
  /** The contact's 30 fingerprint digits (what its own Device screen shows). */
  fingerprint: string;
  trust: TrustState;
  /** The keys the log vouches for (pinned in the trust store when active). */
  identity: PublicIdentity;
}

const HANDLE = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

export class ContactBook {
  private readonly clients = new Map<string, KeyshareClient>();

  constructor(
    private readonly trust: TrustStore,
    private readonly kv: KeyValue,
  ) {}

  /** The verifier key pinned earlier for `url`, if any. */
  async pinnedVerifier(url: string): Promise<string | undefined> {
    const v = await this.kv.get(`keyshare-verifier|${url}`);
    return typeof v === 'string' ? v : undefined;
  }

  async lookup(url: string, verifierKey: string, handle: string): Promise<ContactView> {
    const name = handle.trim();
    if (!HANDLE.test(name))
      throw new Error('A handle is 1 to 63 letters, digits, dots, dashes or underscores.');
    const key = `${url}|${verifierKey.trim()}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new KeyshareClient({ url, verifierKey: verifierKey.trim() });
      this.clients.set(key, client);
    }
    const found = await client.lookup(name);
    await this.kv.put(`keyshare-verifier|${url}`, verifierKey.trim());
    const contactId = `keyshare:${new URL(url).origin}/${name}`;
    const identity = { ed25519: found.identityKey, x25519: found.x25519Key };
    const trust =
      found.status === 'active' ? (await this.trust.observe(contactId, identity)).state : 'unverified';
    return {
      contactId,
      handle: name,
      status: found.status,
      fingerprint: deviceDigits(identity),
      trust,
      identity,
    };
  }

  /** Marks a looked-up, active contact verified (after comparing fingerprints with its owner). */
  async markVerified(view: ContactView): Promise<ContactView> {
    if (view.status !== 'active') throw new Error('Only an active record can be verified.');
    await this.trust.markVerified(view.contactId, view.identity, 'safety-number');
    return { ...view, trust: 'verified' };
  }
}
