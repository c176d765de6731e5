// Trust-on-first-use per contact. One small state machine per contact:
//
//   (unknown) --observe--> unverified --markVerified--> verified
//   unverified | verified --observe(other key)--> key-changed   (emits 'key-changed'; sessions blocked)
//   key-changed --acceptKeyChange--> unverified (new key)   | --rejectKeyChange--> previous state (old key)
//
// A changed key is never accepted silently: observe() reports it, requireSessionAllowed() throws
// TrustError('key_changed') until the user decides. A stored record that fails validation is
// `corrupt_record`, never treated as an unknown contact (that would reset TOFU).
import { IdentityError, TrustError } from './errors.ts';
import {
  decodePublicIdentity,
  encodePublicIdentity,
  fromBase64Url,
  type PublicIdentity,
  samePublicIdentity,
  toBase64Url,
} from './public-identity.ts';

export type TrustState = 'unverified' | 'verified' | 'key-changed';
export type VerificationMethod = 'safety-number' | 'qr';

export interface ContactRecord {
  contactId: string;
  /** The pinned key (the old one while state is 'key-changed'). */
  key: PublicIdentity;
  state: TrustState;
  firstSeen: number;
  verifiedAt?: number;
  verifiedBy?: VerificationMethod;
  /** While 'key-changed': the new key that was presented, and when. */
  pendingKey?: PublicIdentity;
  changedAt?: number;
  /** While 'key-changed': the state to return to on rejectKeyChange(). */
  previousState?: 'unverified' | 'verified';
}

/**
 * Pluggable persistence: one JSON-compatible value per contact id. Backends: MemoryTrustStorage here,
 * FileTrustStorage (./node-file.ts), IndexedDbTrustStorage (./indexeddb.ts).
 */
export interface TrustStorage {
  get(contactId: string): Promise<unknown>;
  put(contactId: string, record: unknown): Promise<void>;
  delete(contactId: string): Promise<void>;
  list(): Promise<string[]>;
}

export class MemoryTrustStorage implements TrustStorage {
  readonly #map = new Map<string, string>();
  async get(id: string): Promise<unknown> {
    const v = this.#map.get(id);
    return v === undefined ? undefined : JSON.parse(v);
  }
  async put(id: string, record: unknown): Promise<void> {
    this.#map.set(id, JSON.stringify(record));
  }
  async delete(id: string): Promise<void> {
    this.#map.delete(id);
  }
  async list(): Promise<string[]> {
    return [...this.#map.keys()].sort();
  }
}

const STATES = new Set(['unverified', 'verified', 'key-changed']);
const MAX_CONTACT_ID = 256;

function checkContactId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_CONTACT_ID)
    throw new TrustError('bad_input', `contact id must be a string of 1..${MAX_CONTACT_ID} characters`);
  return id;
}

/** Stored form: keys as base64url of the 65-byte layout, version 1. */
function toStored(r: ContactRecord): Record<string, unknown> {
  return {
    v: 1,
    contactId: r.contactId,
    key: toBase64Url(encodePublicIdentity(r.key)),
    state: r.state,
    firstSeen: r.firstSeen,
    verifiedAt: r.verifiedAt,
    verifiedBy: r.verifiedBy,
    pendingKey: r.pendingKey && toBase64Url(encodePublicIdentity(r.pendingKey)),
    changedAt: r.changedAt,
    previousState: r.previousState,
  };
}

function fromStored(id: string, raw: unknown): ContactRecord {
  const bad = (why: string) => new TrustError('corrupt_record', `trust record for ${id} is corrupt: ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (o.v !== 1) throw bad('unknown version');
  if (o.contactId !== id) throw bad('contact id mismatch');
  if (typeof o.state !== 'string' || !STATES.has(o.state)) throw bad('bad state');
  const time = (k: string, required: boolean): number | undefined => {
    const t = o[k];
    if (t === undefined && !required) return undefined;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw bad(`${k} is not a time`);
    return t;
  };
  const key = (k: string): PublicIdentity => {
    try {
      return decodePublicIdentity(fromBase64Url(o[k], k));
    } catch (err) {
      if (err instanceof IdentityError) throw bad(`${k}: ${err.message}`);
      throw err;
    }
  };
  const r: ContactRecord = {
    contactId: id,
    key: key('key'),
    state: o.state as TrustState,
    firstSeen: time('firstSeen', true)!,
  };
  if (o.verifiedAt !== undefined) r.verifiedAt = time('verifiedAt', true);
  if (o.verifiedBy !== undefined) {
    if (o.verifiedBy !== 'safety-number' && o.verifiedBy !== 'qr') throw bad('verifiedBy');
    r.verifiedBy = o.verifiedBy;
  }
  if (r.state === 'key-changed') {
    r.pendingKey = key('pendingKey');
    r.changedAt = time('changedAt', true);
    if (o.previousState !== 'unverified' && o.previousState !== 'verified') throw bad('previousState');
    r.previousState = o.previousState;
  } else if (o.pendingKey !== undefined || o.previousState !== undefined) {
    throw bad('pending key outside key-changed');
  }
  if (r.state === 'verified' && (r.verifiedAt === undefined || r.verifiedBy === undefined))
    throw bad('verification');
  return r;
}

export interface KeyChangedEvent {
  contactId: string;
  previousKey: PublicIdentity;
  newKey: PublicIdentity;
}
export interface TrustEvents {
  'key-changed': KeyChangedEvent;
  verified: { contactId: string; method: VerificationMethod };
  'key-accepted': { contactId: string; key: PublicIdentity };
}

export interface ObserveResult {
  state: TrustState;
  /** False while the contact's key change is unresolved: do not start a session. */
  sessionAllowed: boolean;
  /** True when this call saw the contact for the first time (trust on first use). */
  firstContact: boolean;
}

export class TrustStore {
  readonly #storage: TrustStorage;
  readonly #now: () => number;
  readonly #listeners = new Map<keyof TrustEvents, Set<(e: never) => void>>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(storage: TrustStorage = new MemoryTrustStorage(), opts: { now?: () => number } = {}) {
    this.#storage = storage;
    this.#now = opts.now ?? Date.now;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof TrustEvents>(event: K, fn: (e: TrustEvents[K]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, set);
    set.add(fn as (e: never) => void);
    return () => set.delete(fn as (e: never) => void);
  }

  #emit<K extends keyof TrustEvents>(event: K, e: TrustEvents[K]): void {
    for (const fn of this.#listeners.get(event) ?? []) (fn as (e: TrustEvents[K]) => void)(e);
  }

  /** Runs store operations one at a time so that concurrent observe() calls cannot race. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(op, op);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #read(id: string): Promise<ContactRecord | undefined> {
    const raw = await this.#storage.get(id);
    return raw === undefined ? undefined : fromStored(id, raw);
  }

  /** The contact's record, or undefined for an unknown contact. */
  async get(contactId: string): Promise<ContactRecord | undefined> {
    const id = checkContactId(contactId);
    return this.#serial(() => this.#read(id));
  }

  /** Known contact ids, sorted. */
  async list(): Promise<string[]> {
    return this.#serial(() => this.#storage.list());
  }

  /**
   * Records the key a contact presented (after a successful handshake or from an invite / keyshare).
   * First contact: pinned as 'unverified'. Same key: unchanged. Another key: 'key-changed', the
   * 'key-changed' event fires (once per distinct new key) and sessionAllowed is false.
   */
  async observe(contactId: string, key: PublicIdentity): Promise<ObserveResult> {
    const id = checkContactId(contactId);
    const presented = this.#checkKey(key);
    return this.#serial(async () => {
      const r = await this.#read(id);
      if (!r) {
        await this.#storage.put(
          id,
          toStored({ contactId: id, key: presented, state: 'unverified', firstSeen: this.#now() }),
        );
        return { state: 'unverified', sessionAllowed: true, firstContact: true };
      }
      if (r.state === 'key-changed') {
        if (!samePublicIdentity(r.pendingKey!, presented) && !samePublicIdentity(r.key, presented)) {
          const next = { ...r, pendingKey: presented, changedAt: this.#now() };
          await this.#storage.put(id, toStored(next));
          this.#emit('key-changed', { contactId: id, previousKey: r.key, newKey: presented });
        }
        return { state: 'key-changed', sessionAllowed: false, firstContact: false };
      }
      if (samePublicIdentity(r.key, presented))
        return { state: r.state, sessionAllowed: true, firstContact: false };
      const changed: ContactRecord = {
        contactId: id,
        key: r.key,
        state: 'key-changed',
        firstSeen: r.firstSeen,
        pendingKey: presented,
        changedAt: this.#now(),
        previousState: r.state,
        ...(r.verifiedAt === undefined ? {} : { verifiedAt: r.verifiedAt, verifiedBy: r.verifiedBy }),
      };
      await this.#storage.put(id, toStored(changed));
      this.#emit('key-changed', { contactId: id, previousKey: r.key, newKey: presented });
      return { state: 'key-changed', sessionAllowed: false, firstContact: false };
    });
  }

  /** observe(), then throws TrustError('key_changed') when sessions with this contact are blocked. */
  async requireSessionAllowed(contactId: string, key: PublicIdentity): Promise<ObserveResult> {
    const res = await this.observe(contactId, key);
    if (!res.sessionAllowed)
      throw new TrustError(
        'key_changed',
        `the key of ${contactId} changed: compare safety numbers, then accept it`,
      );
    return res;
  }

  /**
   * Marks the contact verified after the user compared safety numbers or scanned the QR code. `key` is
   * the key that was verified and must be the contact's current pinned key (`key_mismatch` otherwise);
   * a contact with an unresolved key change cannot be verified (`key_changed`).
   */
  async markVerified(
    contactId: string,
    key: PublicIdentity,
    method: VerificationMethod,
  ): Promise<ContactRecord> {
    const id = checkContactId(contactId);
    const k = this.#checkKey(key);
    if (method !== 'safety-number' && method !== 'qr') throw new TrustError('bad_input', 'unknown method');
    return this.#serial(async () => {
      const r = await this.#read(id);
      if (!r) throw new TrustError('unknown_contact', `${id} is not a known contact`);
      if (r.state === 'key-changed')
        throw new TrustError('key_changed', `resolve the key change of ${id} first`);
      if (!samePublicIdentity(r.key, k))
        throw new TrustError('key_mismatch', `that is not the pinned key of ${id}`);
      const next: ContactRecord = { ...r, state: 'verified', verifiedAt: this.#now(), verifiedBy: method };
      await this.#storage.put(id, toStored(next));
      this.#emit('verified', { contactId: id, method });
      return next;
    });
  }

  /**
   * The user accepts the new key they reviewed (`expectedKey`): it is pinned as 'unverified' (verify
   * again to get 'verified'). Refused (`key_mismatch`) when the pending key is another one, e.g. a third
   * key presented while the user was looking at the second: only the reviewed key is ever pinned.
   */
  async acceptKeyChange(contactId: string, expectedKey: PublicIdentity): Promise<ContactRecord> {
    const expected = this.#checkKey(expectedKey);
    const next = await this.#resolveKeyChange(contactId, (r) => {
      if (!samePublicIdentity(r.pendingKey!, expected))
        throw new TrustError('key_mismatch', `the pending key of ${r.contactId} is not the one reviewed`);
      return { contactId: r.contactId, key: r.pendingKey!, state: 'unverified', firstSeen: r.firstSeen };
    });
    this.#emit('key-accepted', { contactId: next.contactId, key: next.key });
    return next;
  }

  /** The user refuses the new key: the old key stays pinned with its previous state. */
  async rejectKeyChange(contactId: string): Promise<ContactRecord> {
    return this.#resolveKeyChange(contactId, (r) => {
      const next: ContactRecord = {
        contactId: r.contactId,
        key: r.key,
        state: r.previousState!,
        firstSeen: r.firstSeen,
      };
      if (r.previousState === 'verified')
        Object.assign(next, { verifiedAt: r.verifiedAt, verifiedBy: r.verifiedBy });
      return next;
    });
  }

  async #resolveKeyChange(
    contactId: string,
    decide: (r: ContactRecord) => ContactRecord,
  ): Promise<ContactRecord> {
    const id = checkContactId(contactId);
    return this.#serial(async () => {
      const r = await this.#read(id);
      if (!r) throw new TrustError('unknown_contact', `${id} is not a known contact`);
      if (r.state !== 'key-changed') throw new TrustError('bad_input', `${id} has no pending key change`);
      const next = decide(r);
      await this.#storage.put(id, toStored(next));
      return next;
    });
  }

  /** Forgets a contact entirely (the next observe() is a first contact again). */
  async forget(contactId: string): Promise<void> {
    const id = checkContactId(contactId);
    return this.#serial(() => this.#storage.delete(id));
  }

  #checkKey(key: PublicIdentity): PublicIdentity {
    try {
      return decodePublicIdentity(encodePublicIdentity(key));
    } catch (err) {
      if (err instanceof IdentityError)
        throw new TrustError('bad_input', `invalid contact key: ${err.message}`);
      throw err;
    }
  }
}
