// A device identity: an Ed25519 identity key (signatures, what the keyshare directory vouches for) and an
// X25519 static key (Noise `s`). Generated once, persisted by an IdentityStore, exported / imported as
// versioned JSON that is fully validated on import.
import { utf8 } from '../crypto/bytes.ts';
import {
  constantTimeEqual,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
  type KeyPair,
  randomBytes,
  x25519PublicKey,
} from '../crypto/sodium.ts';
import { IdentityError } from './errors.ts';
import {
  checkPublicIdentity,
  decodePublicIdentity,
  encodePublicIdentity,
  fromBase64Url,
  type PublicIdentity,
  toBase64Url,
} from './public-identity.ts';

export const IDENTITY_EXPORT_FORMAT = 'sealpeer-identity';
export const IDENTITY_EXPORT_VERSION = 1;
/** Largest export text accepted by Identity.import (limits on by default). */
export const IDENTITY_EXPORT_MAX = 4096;

/**
 * Export format, version 1 (JSON object, exactly these members):
 * `{ "format": "sealpeer-identity", "version": 1, "ed25519Seed": b64url(32), "x25519Private": b64url(32),
 *    "publicKey": b64url(65-byte public identity), "createdAt": ISO-8601 }`.
 * `publicKey` is redundant and checked against the private keys on import (catches corruption).
 */
export interface IdentityExportV1 {
  format: typeof IDENTITY_EXPORT_FORMAT;
  version: 1;
  ed25519Seed: string;
  x25519Private: string;
  publicKey: string;
  createdAt: string;
}

const EXPORT_KEYS = ['format', 'version', 'ed25519Seed', 'x25519Private', 'publicKey', 'createdAt'];

/** Where an identity lives between runs (Node file, IndexedDB, memory). */
export interface IdentityStore {
  /** The stored identity, or undefined when none was saved yet. Throws IdentityError on a bad record. */
  load(): Promise<Identity | undefined>;
  save(identity: Identity): Promise<void>;
}

function parseExport(data: unknown): IdentityExportV1 {
  let obj = data;
  if (typeof data === 'string') {
    if (data.length > IDENTITY_EXPORT_MAX)
      throw new IdentityError('bad_format', 'identity export is too large');
    try {
      obj = JSON.parse(data);
    } catch {
      throw new IdentityError('bad_format', 'identity export is not JSON');
    }
  } else if (data instanceof Uint8Array) {
    return parseExport(
      new TextDecoder('utf-8', { fatal: false }).decode(data.slice(0, IDENTITY_EXPORT_MAX + 1)),
    );
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new IdentityError('bad_format', 'identity export must be a JSON object');
  const o = obj as Record<string, unknown>;
  if (o.format !== IDENTITY_EXPORT_FORMAT)
    throw new IdentityError('bad_format', 'not a sealpeer identity export');
  if (o.version !== IDENTITY_EXPORT_VERSION) {
    if (typeof o.version === 'number' && Number.isInteger(o.version))
      throw new IdentityError('unsupported_version', `identity export version ${o.version} is not supported`);
    throw new IdentityError('bad_format', 'identity export version must be an integer');
  }
  const keys = Object.keys(o);
  for (const k of keys)
    if (!EXPORT_KEYS.includes(k)) throw new IdentityError('bad_format', `unexpected member ${k}`);
  for (const k of EXPORT_KEYS) if (!(k in o)) throw new IdentityError('bad_format', `missing member ${k}`);
  for (const k of ['ed25519Seed', 'x25519Private', 'publicKey', 'createdAt'])
    if (typeof o[k] !== 'string') throw new IdentityError('bad_format', `${k} must be a string`);
  return o as unknown as IdentityExportV1;
}

function parseDate(s: string): Date {
  const d = new Date(s);
  if (s.length > 40 || Number.isNaN(d.getTime()))
    throw new IdentityError('bad_format', 'createdAt is not a date');
  return d;
}

export class Identity {
  readonly #signing: KeyPair;
  readonly #static: KeyPair;
  readonly createdAt: Date;

  private constructor(signing: KeyPair, stat: KeyPair, createdAt: Date) {
    this.#signing = signing;
    this.#static = stat;
    this.createdAt = createdAt;
  }

  /** A fresh identity from libsodium's CSPRNG (from the package root no `ready()` is needed: src/index.ts). */
  static generate(now: Date = new Date()): Identity {
    return Identity.fromSecrets(randomBytes(32), randomBytes(32), now);
  }

  /** Rebuilds an identity from its Ed25519 seed and X25519 private key (32 bytes each). */
  static fromSecrets(
    ed25519Seed: Uint8Array,
    x25519Private: Uint8Array,
    createdAt: Date = new Date(),
  ): Identity {
    if (!(ed25519Seed instanceof Uint8Array) || ed25519Seed.length !== 32)
      throw new IdentityError('bad_key', 'Ed25519 seed must be 32 bytes');
    if (!(x25519Private instanceof Uint8Array) || x25519Private.length !== 32)
      throw new IdentityError('bad_key', 'X25519 private key must be 32 bytes');
    if (ed25519Seed.every((b) => b === 0) || x25519Private.every((b) => b === 0))
      throw new IdentityError('bad_key', 'all-zero private key');
    const signing = ed25519KeyPairFromSeed(ed25519Seed);
    const stat = { publicKey: x25519PublicKey(x25519Private), privateKey: x25519Private.slice() };
    return new Identity(signing, stat, createdAt);
  }

  /** Validates and imports an export (JSON text, its UTF-8 bytes, or the parsed object). */
  static import(data: unknown): Identity {
    const e = parseExport(data);
    const id = Identity.fromSecrets(
      fromBase64Url(e.ed25519Seed, 'ed25519Seed'),
      fromBase64Url(e.x25519Private, 'x25519Private'),
      parseDate(e.createdAt),
    );
    const claimed = fromBase64Url(e.publicKey, 'publicKey');
    decodePublicIdentity(claimed);
    if (!constantTimeEqual(claimed, id.publicKey))
      throw new IdentityError('bad_key', 'publicKey does not match the private keys (corrupted export?)');
    return id;
  }

  /** The identity saved in `store`, or undefined when there is none yet. */
  static async load(store: IdentityStore): Promise<Identity | undefined> {
    return store.load();
  }

  /** The identity from `store`, or a new one that is saved there first ("generated once and persisted"). */
  static async loadOrCreate(store: IdentityStore): Promise<Identity> {
    const existing = await store.load();
    if (existing) return existing;
    const fresh = Identity.generate();
    await store.save(fresh);
    return fresh;
  }

  /** Public half (copies). */
  get publicIdentity(): PublicIdentity {
    return checkPublicIdentity({ ed25519: this.#signing.publicKey, x25519: this.#static.publicKey });
  }

  /** The 65-byte public identity layout (version || Ed25519 || X25519). */
  get publicKey(): Uint8Array {
    return encodePublicIdentity(this.publicIdentity);
  }

  /** The X25519 static key pair, as Noise's `s` (a copy). */
  get staticKeyPair(): KeyPair {
    return { publicKey: this.#static.publicKey.slice(), privateKey: this.#static.privateKey.slice() };
  }

  /** Ed25519 signature over `message` with the identity key. */
  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(message, this.#signing.privateKey);
  }

  /** Verifies an Ed25519 signature made by `signer`'s identity key. Never throws on bad input. */
  static verify(signer: PublicIdentity, message: Uint8Array, signature: Uint8Array): boolean {
    return ed25519Verify(signature, message, signer.ed25519);
  }

  /** The versioned export (JSON text). Contains the private keys: store it like a password. */
  export(): string {
    const e: IdentityExportV1 = {
      format: IDENTITY_EXPORT_FORMAT,
      version: IDENTITY_EXPORT_VERSION,
      ed25519Seed: toBase64Url(this.#signing.privateKey.slice(0, 32)),
      x25519Private: toBase64Url(this.#static.privateKey),
      publicKey: toBase64Url(this.publicKey),
      createdAt: this.createdAt.toISOString(),
    };
    return JSON.stringify(e);
  }

  /** UTF-8 bytes of export(). */
  exportBytes(): Uint8Array {
    return utf8(this.export());
  }

  /** JSON.stringify / loggers only ever see the public key, never the secrets. */
  toJSON(): { publicKey: string } {
    return { publicKey: toBase64Url(this.publicKey) };
  }
}

/** An IdentityStore in memory (tests, ephemeral CLI runs). Keeps the export text, not the object. */
export class MemoryIdentityStore implements IdentityStore {
  #text: string | undefined;
  async load(): Promise<Identity | undefined> {
    return this.#text === undefined ? undefined : Identity.import(this.#text);
  }
  async save(identity: Identity): Promise<void> {
    this.#text = identity.export();
  }
}
