// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures (type 0x01), plus the
// verifier / signer key strings of golang.org/x/mod/sumdb/note so keys interoperate with Go tooling:
//   verifier key: <name>+<hex key ID>+<base64(0x01 || 32-byte public key)>
//   signer key:   PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>
// key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4] (signed-note "Ed25519 signatures").
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sodium as loadedSodium, sodiumIfReady } from '../crypto/sodium.ts';
import { bytesEqual, toBase64, tryBase64 } from './encoding.ts';
import { CodedError } from './errors.ts';

const ALG_ED25519 = 0x01;
/** Verifiers SHOULD bound the number of signatures; the spec requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 32;
export const MAX_NOTE_BYTES = 64 * 1024;

export type NoteErrorCode = 'malformed_note' | 'bad_signature' | 'no_trusted_signature' | 'bad_key';

export class NoteError extends CodedError<NoteErrorCode> {
  override readonly name = 'NoteError';
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface NoteSigner extends NoteVerifier {
  readonly seed: Uint8Array;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * signed-note §Format: key names are non-empty, well-formed UTF-8 and contain no Unicode spaces and no
 * '+'. "Unicode spaces" is the Unicode White_Space property, the set Go's note checks (unicode.IsSpace):
 * U+0085 is refused, U+FEFF (not White_Space, though JavaScript's \s has it) is allowed. Lone surrogates
 * (\p{Cs}) are not well-formed UTF-8. ASCII control characters are refused too (a note may hold none).
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+\p{Cs}]/u.test(name) && !hasControl(name);
}

/** signed-note: no ASCII control characters other than newline. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, ALG_ED25519), publicKey)).subarray(0, 4);
}

/**
 * Parses a key string `<prefix><name>+<hex key ID>+<base64(alg || key)>` (signed-note §Verifier keys)
 * whose algorithm byte is `alg` (0x01 note Ed25519; tlog-cosignature uses 0x04). The key ID is returned
 * as written; callers check it against the key.
 */
export function parseKeyString(
  text: string,
  prefix: string,
  alg: number = ALG_ED25519,
): { name: string; keyId: Uint8Array; key: Uint8Array } {
  if (!text.startsWith(prefix)) throw new NoteError('bad_key', 'malformed key string');
  // <name>+<hash>+<data>: the name has no '+', the hash is 8 hex digits, the base64 data may contain '+'.
  const m = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/s.exec(text.slice(prefix.length));
  if (!m) throw new NoteError('bad_key', 'malformed key string');
  const [, name, hash, data] = m as unknown as [string, string, string, string];
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(hash))
    throw new NoteError('bad_key', 'malformed key string');
  const raw = tryBase64(data);
  if (raw?.length !== 33 || raw[0] !== alg) {
    throw new NoteError('bad_key', `key is not an Ed25519 (type 0x0${alg.toString(16)}) key`);
  }
  return { name, keyId: hexToBytes(hash), key: raw.subarray(1) };
}

/** Parses `<name>+<hex key ID>+<base64(0x01||pubkey)>`; the key ID must match the key. */
export function parseVerifierKey(text: string): NoteVerifier {
  const { name, keyId, key } = parseKeyString(text, '');
  if (!bytesEqual(noteKeyId(name, key), keyId))
    throw new NoteError('bad_key', 'verifier key ID does not match');
  return { name, keyId, publicKey: key };
}

export function formatVerifierKey(v: Pick<NoteVerifier, 'name' | 'publicKey'>): string {
  const id = noteKeyId(v.name, v.publicKey);
  return `${v.name}+${bytesToHex(id)}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), v.publicKey))}`;
}

export function parseSignerKey(text: string): NoteSigner {
  const { name, keyId, key: seed } = parseKeyString(text, 'PRIVATE+KEY+');
  const publicKey = ed25519.getPublicKey(seed);
  if (!bytesEqual(noteKeyId(name, publicKey), keyId))
    throw new NoteError('bad_key', 'signer key ID does not match');
  return { name, keyId, publicKey, seed };
}

export function formatSignerKey(s: Pick<NoteSigner, 'name' | 'seed'>): string {
  const id = noteKeyId(s.name, ed25519.getPublicKey(s.seed));
  return `PRIVATE+KEY+${s.name}+${bytesToHex(id)}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), s.seed))}`;
}

/** A fresh Ed25519 note key named `name`. */
export function generateNoteSigner(name: string): NoteSigner {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', 'invalid key name');
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  return { name, keyId: noteKeyId(name, publicKey), publicKey, seed };
}

/** signed-note §Format: `text` (ending in a newline), a blank line, one signature line per signer. */
export function signNote(text: string, signers: NoteSigner[]): string {
  if (!text.endsWith('\n') || hasControl(text))
    throw new NoteError('malformed_note', 'note text is malformed');
  const msg = utf8ToBytes(text);
  const lines = signers.map((s) => {
    const sig = ed25519.sign(msg, s.seed);
    return `\u2014 ${s.name} ${toBase64(concatBytes(s.keyId, sig))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and signature lines (no verification). */
export function parseSignedNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (note.length > MAX_NOTE_BYTES || hasControl(note) || note.includes('\uFFFD') || !note.endsWith('\n')) {
    throw new NoteError('malformed_note', 'note is malformed');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed_note', 'note has no signature block');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_NOTE_SIGNATURES) throw new NoteError('malformed_note', 'too many signatures');
  const signatures = sigLines.map((line): NoteSignature => {
    // "— <name> <base64>": the name runs to the next ASCII space (as Go's note reads it), then must be a
    // valid key name.
    const m = /^\u2014 ([^ ]+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    const raw = m ? tryBase64(m[2]!) : null;
    if (!m?.[1] || !isValidKeyName(m[1]) || !raw || raw.length < 5) {
      throw new NoteError('malformed_note', 'malformed signature line');
    }
    return { name: m[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
  });
  return { text, signatures };
}

/**
 * Verifies a signed note against trusted keys (signed-note §Signatures): signatures from unknown keys
 * are ignored, a failing signature from a known key rejects the whole note, and at least one known
 * key must have signed. Returns the note text.
 */
export function verifySignedNote(note: string, trusted: NoteVerifier[]): string {
  const { text, signatures } = parseSignedNote(note);
  const msg = utf8ToBytes(text);
  let verified = 0;
  for (const s of signatures) {
    const key = trusted.find((k) => k.name === s.name && bytesEqual(k.keyId, s.keyId));
    if (!key) continue;
    if (!ed25519Verify(s.signature, msg, key.publicKey)) {
      throw new NoteError('bad_signature', `signature by ${s.name} does not verify`);
    }
    verified++;
  }
  if (verified === 0) throw new NoteError('no_trusted_signature', 'note is not signed by a trusted key');
  return text;
}

/**
 * Ed25519 verification (RFC 8032). libsodium's crypto_sign_verify_detached (WebAssembly, about ten
 * times faster than pure JS) once `ready()` of src/crypto/sodium.ts has completed — KeyshareClient,
 * the keyshare service and the monitor await it — else @noble/curves in strict mode (the service
 * worker's release-note check runs before libsodium loads). Both accept exactly the valid signatures
 * of Wycheproof's ed25519_test.json (test/keyshare/ed25519-paths.test.ts). Malformed keys or
 * signatures verify as false.
 */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const sodium = sodiumIfReady();
  return sodium
    ? ed25519VerifySodium(signature, message, publicKey)
    : ed25519VerifyJs(signature, message, publicKey);
}

/** libsodium crypto_sign_verify_detached; throws CryptoError('not_ready') before `ready()`. */
export function ed25519VerifySodium(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  const sodium = loadedSodium(); // CryptoError('not_ready') before ready(): never a failed verification
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** @noble/curves strict RFC 8032 verification (no ZIP-215 leniency). */
export function ed25519VerifyJs(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
