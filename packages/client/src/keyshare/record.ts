// Keyshare records: the canonical byte layout that is signed and logged (docs/keyshare.md §Records),
// its JSON wire form, and signature checks. Browser-safe.
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64, readU64be, toBase64, u64be } from './encoding.ts';
import { CodedError } from './errors.ts';
import { hashLeaf } from './merkle.ts';
import { ed25519Verify } from './note.ts';

/** Purpose-bound domain label: the first bytes of every signed record (NUL-terminated). */
export const RECORD_DOMAIN = 'sealpeer/keyshare/record';
export const RECORD_VERSION = 1;
export const HANDLE_RE = /^[a-z0-9._-]{3,64}$/;
export const KEY_SIZE = 32;
export const SIGNATURE_SIZE = 64;

const KINDS = ['claim', 'rotate', 'revoke'] as const;
export type RecordKind = (typeof KINDS)[number];
const KIND_BYTE: Record<RecordKind, number> = { claim: 1, rotate: 2, revoke: 3 };

export interface KeyRecord {
  readonly kind: RecordKind;
  readonly handle: string;
  /** 0 for the claim, then +1 for each later record of the handle. */
  readonly seq: number;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Unix milliseconds, or null for no expiry. */
  readonly expiresAt: number | null;
  /** Ed25519 identity public key (for a rotation: the new key). */
  readonly identityKey: Uint8Array;
  /** X25519 public key for sealed signaling. */
  readonly x25519Key: Uint8Array;
  /** Leaf hash of the handle's previous record; 32 zero bytes for a claim. */
  readonly prev: Uint8Array;
}

export interface SignedKeyRecord extends KeyRecord {
  /** Ed25519 signature by `identityKey` over recordSigningBytes. */
  readonly signature: Uint8Array;
  /** rotate only: signature by the handle's current (previous) identity key over the same bytes. */
  readonly prevSignature: Uint8Array | null;
}

/** JSON wire form (keys base64, times in ms). */
export interface RecordJson {
  v: 1;
  kind: RecordKind;
  handle: string;
  seq: number;
  createdAt: number;
  expiresAt: number | null;
  identityKey: string;
  x25519Key: string;
  prev: string;
  sig: string;
  prevSig?: string;
}

/** A record (leaf bytes or JSON) that does not have the documented form; `code` matches the service's. */
export class RecordFormatError extends CodedError<'record_malformed'> {
  override readonly name = 'RecordFormatError';
  constructor(message: string) {
    super('record_malformed', message);
  }
}

export const ZERO_HASH = new Uint8Array(32);

/**
 * Canonical signed bytes (docs/keyshare.md §Canonical bytes):
 *   "sealpeer/keyshare/record" 0x00 | version u8 | kind u8 | handle len u8 | handle |
 *   seq u64 | createdAt u64 | expiresAt u64 (0 = none) | identityKey 32 | x25519Key 32 | prev 32
 * All integers big-endian.
 */
export function recordSigningBytes(r: KeyRecord): Uint8Array {
  checkRecordFields(r);
  return concatBytes(
    utf8ToBytes(RECORD_DOMAIN),
    Uint8Array.of(0x00, RECORD_VERSION, KIND_BYTE[r.kind], r.handle.length),
    utf8ToBytes(r.handle),
    u64be(r.seq),
    u64be(r.createdAt),
    u64be(r.expiresAt ?? 0),
    r.identityKey,
    r.x25519Key,
    r.prev,
  );
}

/** Log leaf bytes: canonical bytes || signature || prevSignature (rotate only). */
export function recordLeaf(r: SignedKeyRecord): Uint8Array {
  const parts = [recordSigningBytes(r), r.signature];
  if (r.kind === 'rotate') parts.push(r.prevSignature ?? new Uint8Array(0));
  return concatBytes(...parts);
}

export function recordLeafHash(r: SignedKeyRecord): Uint8Array {
  return hashLeaf(recordLeaf(r));
}

function checkRecordFields(r: KeyRecord): void {
  if (!KINDS.includes(r.kind)) throw new RecordFormatError('unknown record kind');
  if (!HANDLE_RE.test(r.handle)) throw new RecordFormatError('handle must match [a-z0-9._-]{3,64}');
  for (const [n, v] of [
    ['seq', r.seq],
    ['createdAt', r.createdAt],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RecordFormatError(`${n} must be a non-negative integer`);
  }
  if (r.expiresAt !== null && (!Number.isSafeInteger(r.expiresAt) || r.expiresAt <= 0)) {
    throw new RecordFormatError('expiresAt must be a positive integer or null');
  }
  if (r.identityKey.length !== KEY_SIZE || r.x25519Key.length !== KEY_SIZE || r.prev.length !== 32) {
    throw new RecordFormatError('keys and prev must be 32 bytes');
  }
}

/** Parses canonical leaf bytes back into a record (for monitors reading /v1/leaves). */
export function parseRecordLeaf(leaf: Uint8Array): SignedKeyRecord {
  const label = utf8ToBytes(RECORD_DOMAIN);
  const fail = (m: string): never => {
    throw new RecordFormatError(m);
  };
  if (leaf.length < label.length + 4) fail('leaf too short');
  for (let i = 0; i < label.length; i++) if (leaf[i] !== label[i]) fail('leaf has the wrong domain label');
  let o = label.length;
  if (leaf[o] !== 0x00 || leaf[o + 1] !== RECORD_VERSION) fail('unsupported leaf version');
  const kind = KINDS[(leaf[o + 2] ?? 0) - 1] ?? fail('unknown record kind');
  const hlen = leaf[o + 3]!;
  o += 4;
  const fixed = hlen + 24 + 96 + SIGNATURE_SIZE + (kind === 'rotate' ? SIGNATURE_SIZE : 0);
  if (leaf.length !== o + fixed) fail('leaf has the wrong length');
  const handle = new TextDecoder().decode(leaf.subarray(o, o + hlen));
  o += hlen;
  // A u64 over 2^53-1 is no record this format allows (found by test/fuzz/parsers.test.ts).
  const u64 = (at: number): number => readU64be(leaf, at) ?? fail('leaf has a number over 2^53-1');
  const seq = u64(o);
  const createdAt = u64(o + 8);
  const exp = u64(o + 16);
  o += 24;
  const take = (n: number): Uint8Array => {
    o += n;
    return leaf.slice(o - n, o);
  };
  const rec: SignedKeyRecord = {
    kind,
    handle,
    seq,
    createdAt,
    expiresAt: exp === 0 ? null : exp,
    identityKey: take(32),
    x25519Key: take(32),
    prev: take(32),
    signature: take(SIGNATURE_SIZE),
    prevSignature: kind === 'rotate' ? take(SIGNATURE_SIZE) : null,
  };
  checkRecordFields(rec);
  return rec;
}

export function recordToJson(r: SignedKeyRecord): RecordJson {
  const j: RecordJson = {
    v: 1,
    kind: r.kind,
    handle: r.handle,
    seq: r.seq,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    identityKey: toBase64(r.identityKey),
    x25519Key: toBase64(r.x25519Key),
    prev: toBase64(r.prev),
    sig: toBase64(r.signature),
  };
  if (r.prevSignature) j.prevSig = toBase64(r.prevSignature);
  return j;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function b64Field(o: Record<string, unknown>, name: string, size: number): Uint8Array {
  const v = o[name];
  if (typeof v !== 'string') throw new RecordFormatError(`${name} must be a base64 string`);
  let out: Uint8Array;
  try {
    out = fromBase64(v);
  } catch {
    throw new RecordFormatError(`${name} is not valid base64`);
  }
  if (out.length !== size) throw new RecordFormatError(`${name} must be ${size} bytes`);
  return out;
}

/** The fields of the JSON wire form; all required except `prevSig` (rotate only). */
export const RECORD_JSON_FIELDS = [
  ...['v', 'kind', 'handle', 'seq', 'createdAt', 'expiresAt'],
  ...['identityKey', 'x25519Key', 'prev', 'sig', 'prevSig'],
] as const;
const JSON_KEYS: ReadonlySet<string> = new Set(RECORD_JSON_FIELDS);

/** Validates untrusted JSON into a SignedKeyRecord (shape only; signatures are checked separately). */
export function recordFromJson(value: unknown): SignedKeyRecord {
  if (!isObject(value)) throw new RecordFormatError('record must be an object');
  for (const k of Object.keys(value))
    if (!JSON_KEYS.has(k)) throw new RecordFormatError(`unknown field ${k}`);
  if (value.v !== 1) throw new RecordFormatError('unsupported record version');
  const kind = value.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind as RecordKind))
    throw new RecordFormatError('unknown kind');
  const { handle, seq, createdAt, expiresAt } = value;
  if (typeof handle !== 'string' || typeof seq !== 'number' || typeof createdAt !== 'number') {
    throw new RecordFormatError('handle, seq and createdAt are required');
  }
  if (expiresAt !== null && typeof expiresAt !== 'number')
    throw new RecordFormatError('expiresAt must be a number or null');
  const hasPrevSig = value.prevSig !== undefined;
  if (hasPrevSig !== (kind === 'rotate'))
    throw new RecordFormatError('prevSig is required for rotate and only for rotate');
  const rec: SignedKeyRecord = {
    kind: kind as RecordKind,
    handle,
    seq,
    createdAt,
    expiresAt: expiresAt as number | null,
    identityKey: b64Field(value, 'identityKey', KEY_SIZE),
    x25519Key: b64Field(value, 'x25519Key', KEY_SIZE),
    prev: b64Field(value, 'prev', 32),
    signature: b64Field(value, 'sig', SIGNATURE_SIZE),
    prevSignature: hasPrevSig ? b64Field(value, 'prevSig', SIGNATURE_SIZE) : null,
  };
  checkRecordFields(rec);
  return rec;
}

/** Signs a record: anything that can produce an Ed25519 signature (an Identity, a hardware key...). */
export interface RecordSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** What publish/rotate need from a client Identity (identity/identity.ts), structurally. */
export interface IdentityLike {
  readonly publicIdentity: { readonly ed25519: Uint8Array; readonly x25519: Uint8Array };
  sign(message: Uint8Array): Uint8Array;
}

/** The record signer and X25519 key of an Identity: its Ed25519 key signs, its X25519 key is published. */
export function identityRecordKeys(identity: IdentityLike): { signer: RecordSigner; x25519Key: Uint8Array } {
  const pub = identity.publicIdentity;
  return { signer: { publicKey: pub.ed25519, sign: (m) => identity.sign(m) }, x25519Key: pub.x25519 };
}

/** A RecordSigner from a raw 32-byte Ed25519 secret seed. */
export function ed25519RecordSigner(seed: Uint8Array): RecordSigner {
  const publicKey = ed25519.getPublicKey(seed);
  return { publicKey, sign: (m) => ed25519.sign(m, seed) };
}

/** True when `r.signature` verifies under `r.identityKey` (and, for rotate, prevSignature under `prevKey`). */
export function verifyRecordSignature(r: SignedKeyRecord): boolean {
  return ed25519Verify(r.signature, recordSigningBytes(r), r.identityKey);
}

export function verifyRecordPrevSignature(r: SignedKeyRecord, prevKey: Uint8Array): boolean {
  return r.prevSignature !== null && ed25519Verify(r.prevSignature, recordSigningBytes(r), prevKey);
}
