// Saved contacts (issue 15, docs/protocol.md 2.14): a peer's identity (Ed25519 + X25519) the user chose to
// keep after a pairing, with a name, how it was paired, whether and how it was verified, its keyshare
// handle if known, a changed key awaiting acceptance and the history of earlier keys. Keyed by the
// identity, never by a relay clientId. One format for the browser app (IndexedDB) and the CLI (a file
// beside the identity), and for export/import: every entry from storage or a file is checked field by
// field (TrustError `bad_input`, naming the field), never cast.
import { fromHex, toHex } from '../crypto/bytes.ts';
import { TrustError } from '../identity/errors.ts';
import type { PublicIdentity } from '../identity/public-identity.ts';

/** Where a contact list lives: the app's IndexedDB key, or the CLI's file. */
export interface ContactStorage {
  load(): Promise<unknown>;
  save(value: unknown): Promise<void>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export type PairedBy = 'qr' | 'code' | 'keyshare' | 'contact';
export type VerifiedHow = 'safety-number' | 'keyshare' | 'import';

export interface SavedContact {
  /** Hex of the Ed25519 identity key: the contact's id. */
  id: string;
  name: string;
  /** Hex of the X25519 static key. */
  x25519: string;
  pairedBy: PairedBy;
  savedAt: number;
  verified: { how: VerifiedHow; at: number } | null;
  handle: string | undefined;
  /**
   * A different key seen where this contact was met (issue 15 §4): the contact is blocked — not listened
   * for, not reachable — until the user accepts exactly this key.
   */
  pendingKey: { id: string; x25519: string; at: number } | null;
  /** Earlier keys of this contact, with how and when each was verified, newest first. */
  history: Array<{ id: string; x25519: string; verified: SavedContact['verified']; replacedAt: number }>;
}

const MAX_HISTORY = 20;

const HEX32 = /^[0-9a-f]{64}$/;
const MAX_CONTACTS = 1000;
const MAX_NAME = 64;
const PAIRED: readonly PairedBy[] = ['qr', 'code', 'keyshare', 'contact'];
const HOW: readonly VerifiedHow[] = ['safety-number', 'keyshare', 'import'];

const bad = (message: string): TrustError => new TrustError('bad_input', message);

export const contactIdOf = (identity: PublicIdentity): string => toHex(identity.ed25519);

export function identityOf(c: SavedContact): PublicIdentity {
  return { ed25519: fromHex(c.id), x25519: fromHex(c.x25519) };
}

/** A name as the user typed it: trimmed, no control characters, 1..64 characters. */
export function cleanName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const n = name.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (n.length === 0) throw bad('Give the contact a name.');
  return n.slice(0, MAX_NAME);
}

/** One contact from untrusted JSON (storage or an imported file); names the bad field. */
export function parseContact(v: unknown, where: string): SavedContact {
  const fail = (field: string, what: string): never => {
    throw bad(`${where}.${field}: ${what}`);
  };
  const count = (v: unknown, field: string): number => (isCount(v) ? v : fail(field, 'expected a time'));
  const nameOf = (n: string): string => {
    try {
      return cleanName(n);
    } catch {
      return fail('name', 'empty');
    }
  };
  if (!isRecord(v)) return fail('', 'expected an object');
  const o: Json = v;
  const hex = (k: string): string => {
    const s = o[k];
    return typeof s === 'string' && HEX32.test(s) ? s : fail(k, 'expected 64 lowercase hex digits');
  };
  const pairedBy = o.pairedBy;
  if (typeof pairedBy !== 'string' || !PAIRED.includes(pairedBy as PairedBy))
    fail('pairedBy', `expected one of ${PAIRED.join(', ')}`);
  let verified: SavedContact['verified'] = null;
  if (o.verified !== null && o.verified !== undefined) {
    if (!isRecord(o.verified)) return fail('verified', 'expected an object or null');
    const how = o.verified.how;
    if (typeof how !== 'string' || !HOW.includes(how as VerifiedHow))
      fail('verified.how', `expected one of ${HOW.join(', ')}`);
    verified = {
      how: how as VerifiedHow,
      at: count(o.verified.at, 'verified.at'),
    };
  }
  const h = o.handle;
  const handle =
    h === undefined || h === null
      ? undefined
      : typeof h === 'string' && h.length <= 64
        ? h
        : fail('handle', 'wrong type');
  const keyOf = (v: unknown, field: string): { id: string; x25519: string } => {
    if (!isRecord(v)) return fail(field, 'expected an object');
    const { id, x25519 } = v;
    if (typeof id !== 'string' || !HEX32.test(id))
      return fail(`${field}.id`, 'expected 64 lowercase hex digits');
    if (typeof x25519 !== 'string' || !HEX32.test(x25519))
      return fail(`${field}.x25519`, 'expected 64 lowercase hex digits');
    return { id, x25519 };
  };
  const pendingKey =
    o.pendingKey === undefined || o.pendingKey === null
      ? null
      : {
          ...keyOf(o.pendingKey, 'pendingKey'),
          at: count((o.pendingKey as Json).at, 'pendingKey.at'),
        };
  const rawHistory = o.history === undefined ? [] : o.history;
  if (!Array.isArray(rawHistory) || rawHistory.length > MAX_HISTORY)
    fail('history', `expected a list of at most ${MAX_HISTORY}`);
  const history = (rawHistory as unknown[]).map((h, i) => {
    const k = keyOf(h, `history[${i}]`);
    const rec = h as Json;
    const v = rec.verified;
    let verified: SavedContact['verified'] = null;
    if (v !== null && v !== undefined) {
      if (!isRecord(v) || typeof v.how !== 'string' || !HOW.includes(v.how as VerifiedHow))
        fail(`history[${i}].verified`, 'expected {how, at} or null');
      verified = {
        how: (v as Json).how as VerifiedHow,
        at: count((v as Json).at, `history[${i}].verified.at`),
      };
    }
    return {
      ...k,
      verified,
      replacedAt: count(rec.replacedAt, `history[${i}].replacedAt`),
    };
  });
  return {
    id: hex('id'),
    x25519: hex('x25519'),
    name: typeof o.name === 'string' && o.name.length <= 200 ? nameOf(o.name) : fail('name', 'wrong type'),
    pairedBy: pairedBy as PairedBy,
    savedAt: count(o.savedAt, 'savedAt'),
    verified,
    handle,
    pendingKey,
    history,
  };
}

/** The saved contacts, newest first, persisted on every change. */
export class ContactList {
  private constructor(
    private readonly storage: ContactStorage,
    private contacts: SavedContact[],
  ) {}

  static async load(storage: ContactStorage): Promise<ContactList> {
    const v = await storage.load();
    // Our own store: entries that do not parse (an older format) are dropped rather than breaking boot.
    const out: SavedContact[] = [];
    if (Array.isArray(v))
      for (const [i, c] of v.entries()) {
        try {
          out.push(parseContact(c, `contacts[${i}]`));
        } catch {}
      }
    return new ContactList(storage, out);
  }

  all(): readonly SavedContact[] {
    return this.contacts;
  }

  get(id: string): SavedContact | undefined {
    return this.contacts.find((c) => c.id === id);
  }

  /** The saved contact with exactly this identity (both keys), if any. */
  byIdentity(identity: PublicIdentity): SavedContact | undefined {
    const c = this.get(contactIdOf(identity));
    return c && c.x25519 === toHex(identity.x25519) ? c : undefined;
  }

  private async persist(): Promise<void> {
    await this.storage.save(this.contacts);
  }

  /** Saves (or renames, keeping its history) the contact with this identity. */
  async save(
    identity: PublicIdentity,
    o: { name: string; pairedBy: PairedBy; verified?: VerifiedHow; handle?: string },
  ): Promise<SavedContact> {
    const name = cleanName(o.name);
    const id = contactIdOf(identity);
    const x25519 = toHex(identity.x25519);
    const prev = this.get(id);
    if (prev && prev.x25519 !== x25519)
      throw bad('A contact with this identity key but another static key is saved.');
    const c: SavedContact = prev
      ? { ...prev, name, handle: o.handle ?? prev.handle }
      : {
          id,
          name,
          x25519,
          pairedBy: o.pairedBy,
          savedAt: Date.now(),
          verified: o.verified ? { how: o.verified, at: Date.now() } : null,
          handle: o.handle,
          pendingKey: null,
          history: [],
        };
    if (!prev && this.contacts.length >= MAX_CONTACTS) throw bad(`At most ${MAX_CONTACTS} contacts.`);
    this.contacts = [c, ...this.contacts.filter((x) => x.id !== id)];
    await this.persist();
    return c;
  }

  async rename(id: string, name: string): Promise<void> {
    const n = cleanName(name);
    this.contacts = this.contacts.map((c) => (c.id === id ? { ...c, name: n } : c));
    await this.persist();
  }

  async remove(id: string): Promise<void> {
    this.contacts = this.contacts.filter((c) => c.id !== id);
    await this.persist();
  }

  /** Verifying a key anywhere verifies it everywhere: true when a saved contact changed. */
  async markVerified(identity: PublicIdentity, how: VerifiedHow): Promise<boolean> {
    const c = this.byIdentity(identity);
    if (!c || c.verified) return false;
    this.contacts = this.contacts.map((x) => (x === c ? { ...c, verified: { how, at: Date.now() } } : x));
    await this.persist();
    return true;
  }

  /** The saved contact `old` now presents `next` where it was met: blocked until accepted. */
  async markKeyChanged(old: PublicIdentity, next: PublicIdentity): Promise<SavedContact | undefined> {
    const c = this.byIdentity(old);
    if (!c) return undefined;
    const pendingKey = { id: contactIdOf(next), x25519: toHex(next.x25519), at: Date.now() };
    const updated = { ...c, pendingKey };
    this.contacts = this.contacts.map((x) => (x === c ? updated : x));
    await this.persist();
    return updated;
  }

  /** The saved contact whose pending (changed) key is exactly `key`, if any. */
  withPendingKey(key: PublicIdentity): SavedContact | undefined {
    const id = contactIdOf(key);
    const x = toHex(key.x25519);
    return this.contacts.find((c) => c.pendingKey?.id === id && c.pendingKey.x25519 === x);
  }

  /**
   * Accepts the reviewed key (and only it: `expected` must be the pending key): the contact moves to it,
   * unverified, and its old key with its verification goes to the history.
   */
  async acceptNewKey(id: string, expected: PublicIdentity): Promise<SavedContact> {
    const c = this.get(id);
    if (
      !c?.pendingKey ||
      c.pendingKey.id !== contactIdOf(expected) ||
      c.pendingKey.x25519 !== toHex(expected.x25519)
    )
      throw bad('The key to accept is not the one that was shown for this contact.');
    const next: SavedContact = {
      ...c,
      id: c.pendingKey.id,
      x25519: c.pendingKey.x25519,
      verified: null,
      pendingKey: null,
      history: [
        { id: c.id, x25519: c.x25519, verified: c.verified, replacedAt: Date.now() },
        ...c.history,
      ].slice(0, MAX_HISTORY),
    };
    this.contacts = [next, ...this.contacts.filter((x) => x.id !== c.id && x.id !== next.id)];
    await this.persist();
    return next;
  }

  /** The export file: `{"sealpeerContacts":1,"contacts":[…]}`. */
  exportText(): string {
    return JSON.stringify({ sealpeerContacts: 1, contacts: this.contacts }, null, 1);
  }

  /** Adds the contacts of an export file (all or nothing); existing ones keep their names. */
  async importText(text: string): Promise<number> {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw bad('The contacts file is not JSON.');
    }
    if (!isRecord(v) || v.sealpeerContacts !== 1)
      throw bad('sealpeerContacts: expected 1 (not a sealpeer contacts file)');
    let entries: unknown[];
    try {
      if (!Array.isArray(v.contacts) || v.contacts.length > MAX_CONTACTS) throw new Error();
      entries = v.contacts;
    } catch {
      throw bad(`contacts: expected a list of at most ${MAX_CONTACTS}`);
    }
    const parsed = entries.map((c, i) => parseContact(c, `contacts[${i}]`));
    let added = 0;
    for (const c of parsed) {
      const prev = this.get(c.id);
      if (prev && prev.x25519 !== c.x25519)
        throw bad(`contacts: ${c.name} has another static key than the saved one`);
      if (prev) continue;
      this.contacts.push(c);
      added++;
    }
    if (this.contacts.length > MAX_CONTACTS) throw bad(`At most ${MAX_CONTACTS} contacts.`);
    await this.persist();
    return added;
  }
}
