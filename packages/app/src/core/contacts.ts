// Contacts by keyshare handle: looks a handle up in a keyshare whose log verifier key the user pinned out
// of band (the keyshare client checks the record, its inclusion proof and the signed checkpoint), then
// pins the keys in the trust store under the handle, so a later different key is a key change.
import {
  type Identity,
  identityRecordKeys,
  type KeyshareClient,
  type PublicIdentity,
  type TrustState,
  type TrustStore,
  watchOwnHandle,
} from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { deviceDigits } from './keys.ts';
import { KeyshareLogs, verifierSlot } from './keyshare-logs.ts';
import type { KeyValue } from './storage.ts';
import {
  builtinKeyshares,
  checkKeyshareUrl,
  checkVerifierKey,
  type TrustedKeyshare,
} from './trusted-keys.ts';
import { storedWitnessPins, type WitnessPins } from './witness-pins.ts';

/** The form field a pasted verifier key is named by in errors (issue 15 §3: a bad key names the field). */
export const VERIFIER_FIELD = 'Log verifier key';

/** A keyshare this device can use without a paste: built into the release, or pinned here earlier. */
export interface KnownKeyshare extends TrustedKeyshare {
  readonly source: 'built-in' | 'pinned';
}

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

/** What a handle may be (the keyshare's own rule, docs/keyshare.md §Records). */
function checkHandle(handle: string): string {
  const name = handle.trim();
  if (!keyshare.HANDLE_RE.test(name))
    throw new Error('A handle is 3 to 64 lowercase letters, digits, dots, dashes or underscores.');
  return name;
}

/** Where the witnesses and quorum pinned for a keyshare are kept (used by every lookup on it). */
const witnessSlot = (url: string): string => `keyshare-witnesses|${url}`;

/** This device's own handle on a keyshare, as published from here. */
export interface OwnHandle {
  handle: string;
  leafIndex: number;
}

export class ContactBook {
  /** The keyshare logs used from here, their checkpoints and the cross-check with peers. */
  readonly logs: KeyshareLogs;

  constructor(
    private readonly trust: TrustStore,
    private readonly kv: KeyValue,
    private readonly identity: Identity,
    /** The keyshares built into this release (core/trusted-keys.ts); never anything the relay sent. */
    private readonly builtin: readonly TrustedKeyshare[] = builtinKeyshares(),
  ) {
    this.logs = new KeyshareLogs(kv);
  }

  /**
   * The keyshares offered without a paste: the built-in ones first, then those pinned on this device
   * (after a first verified lookup, or imported from a linked device). One per URL; built-in wins.
   */
  async knownKeyshares(): Promise<KnownKeyshare[]> {
    const out: KnownKeyshare[] = this.builtin.map((k) => ({ ...k, source: 'built-in' }));
    for (const l of await this.logs.known()) {
      if (out.some((k) => k.url === l.url)) continue;
      const verifierKey = await this.pinnedVerifier(l.url);
      if (!verifierKey) continue;
      out.push({
        name: verifierKey.slice(0, verifierKey.indexOf('+')),
        url: l.url,
        verifierKey,
        witnesses: (await this.pinnedWitnesses(l.url)) ?? null,
        source: 'pinned',
      });
    }
    return out;
  }

  /** Pins a keyshare that came from a verified source (a linked device): key, witnesses, log. */
  async pinKeyshare(k: TrustedKeyshare): Promise<void> {
    const url = checkKeyshareUrl(k.url, 'url');
    const key = checkVerifierKey(k.verifierKey, VERIFIER_FIELD);
    await this.kv.put(verifierSlot(url), key);
    if (k.witnesses) await this.pinWitnesses(url, k.witnesses);
    await this.logs.remember(url, key);
  }

  /**
   * The client for (keyshare, verifier key, pinned witnesses), sharing the persisted checkpoint store.
   * With witnesses pinned for `url`, every checkpoint must carry their quorum of cosignatures.
   */
  private async client(url: string, verifierKey: string): Promise<KeyshareClient> {
    return this.logs.client(url, verifierKey, await this.pinnedWitnesses(url));
  }

  /** The witnesses and quorum pinned for `url`, else those built in for it, if any. */
  async pinnedWitnesses(url: string): Promise<WitnessPins | undefined> {
    const stored = storedWitnessPins(await this.kv.get(witnessSlot(url)));
    return stored ?? this.builtinFor(url)?.witnesses ?? undefined;
  }

  private builtinFor(url: string): TrustedKeyshare | undefined {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return undefined;
    }
    return this.builtin.find((k) => k.url === origin);
  }

  /** Pins witnesses and a quorum for `url` (null unpins them); later answers need their cosignatures. */
  async pinWitnesses(url: string, pins: WitnessPins | null): Promise<void> {
    if (pins) await this.kv.put(witnessSlot(url), { keys: pins.keys, quorum: pins.quorum });
    else await this.kv.delete(witnessSlot(url));
  }

  /**
   * The verifier key for `url`: the one built into the release, else the one pinned here earlier (first
   * verified use, or a linked device), if any. Never one from the relay.
   */
  async pinnedVerifier(url: string): Promise<string | undefined> {
    const builtin = this.builtinFor(url);
    if (builtin) return builtin.verifierKey;
    const v = await this.kv.get(verifierSlot(url));
    return typeof v === 'string' ? v : undefined;
  }

  async lookup(url: string, pasted: string, handle: string): Promise<ContactView> {
    const verifierKey = checkVerifierKey(pasted, VERIFIER_FIELD);
    const name = checkHandle(handle);
    const found = await (await this.client(url, verifierKey)).lookup(name);
    await this.kv.put(verifierSlot(url), verifierKey.trim());
    await this.logs.remember(url, verifierKey);
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

  /**
   * Publishes this device's keys under `handle` (the first record claims it; docs/keyshare.md §Rules),
   * verifies the logged answer like any lookup, and remembers the handle for the own-handle check.
   */
  async publishOwn(url: string, pasted: string, handle: string): Promise<OwnHandle> {
    const verifierKey = checkVerifierKey(pasted, VERIFIER_FIELD);
    const name = checkHandle(handle);
    const client = await this.client(url, verifierKey);
    const res = await client.publish(name, identityRecordKeys(this.identity));
    await this.kv.put(verifierSlot(url), verifierKey.trim());
    await this.logs.remember(url, verifierKey);
    const own = { handle: name, leafIndex: res.leafIndex };
    await this.kv.put(`keyshare-own|${url}`, own);
    return own;
  }

  /** The handle this device published on `url`, if any. */
  async ownHandle(url: string): Promise<OwnHandle | undefined> {
    const v = await this.kv.get(`keyshare-own|${url}`);
    if (typeof v !== 'object' || v === null) return undefined;
    const { handle, leafIndex } = v as Record<string, unknown>;
    return typeof handle === 'string' && typeof leafIndex === 'number' ? { handle, leafIndex } : undefined;
  }

  /**
   * Looks this device's own handle up and says what is wrong, if anything: a record this device did not
   * sign (someone took over or rotated the handle), a missing record, or a log that fails its checks.
   */
  async checkOwn(url: string, verifierKey: string): Promise<string | null> {
    const own = await this.ownHandle(url);
    if (!own) return null;
    const mine = this.identity.publicIdentity.ed25519;
    const watch = watchOwnHandle(await this.client(url, verifierKey), own.handle, {
      ownKeys: () => [mine],
      onAlert: () => undefined,
      intervalMs: 0,
    });
    const alert = await watch.check();
    watch.stop();
    await this.logs.remember(url, verifierKey).catch(() => undefined);
    return alert?.message ?? null;
  }
}
