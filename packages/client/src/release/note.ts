// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys: key encodings, signing and
// verification. Mirrors golang.org/x/mod/sumdb/note, the reference implementation the spec names.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.ts';
import { ReleaseError } from './errors.ts';

/** Signature type byte for Ed25519 (signed-note, "Signature types"). */
export const SIG_TYPE_ED25519 = 0x01;
/** Notes with more signatures than this are rejected (the Go reference's limit). */
export const MAX_NOTE_SIGNATURES = 100;
/** Upper bound on a note we accept at all: release notes are a few hundred bytes. */
export const MAX_NOTE_BYTES = 64 * 1024;

const EM_DASH_PREFIX = '\u2014 ';
const PRIVATE_PREFIX = 'PRIVATE+KEY+';

export interface NoteVerifier {
  readonly name: string;
  /** Key ID: SHA-256(name || 0x0A || 0x01 || publicKey)[:4], as a big-endian uint32. */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

export interface NoteSigner extends NoteVerifier {
  readonly seed: Uint8Array;
}

/** A note whose signature by the given verifier was checked. */
export interface OpenedNote {
  readonly text: string;
  readonly verifiedBy: NoteVerifier;
}

/** signed-note "Keys": a name is non-empty UTF-8 with no Unicode spaces and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !/\p{Cc}/u.test(name) && name.length <= 256;
}

/** signed-note "Key IDs" (recommended derivation for Ed25519). */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, SIG_TYPE_ED25519), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

/** Encodes a verifier key as `<name>+<hex8 key ID>+<base64(0x01 || public key)>`. */
export function formatVerifierKey(v: NoteVerifier): string {
  return `${v.name}+${hex8(v.keyId)}+${toBase64(concatBytes(Uint8Array.of(SIG_TYPE_ED25519), v.publicKey))}`;
}

/** Encodes a signer key as the Go reference does: `PRIVATE+KEY+<name>+<hex8>+<base64(0x01 || seed)>`. */
export function formatSignerKey(s: NoteSigner): string {
  return `${PRIVATE_PREFIX}${s.name}+${hex8(s.keyId)}+${toBase64(concatBytes(Uint8Array.of(SIG_TYPE_ED25519), s.seed))}`;
}

function splitKey(text: string, what: string): { name: string; id: number; key: Uint8Array } {
  // The base64 key itself may contain '+': split off the first two fields only.
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new ReleaseError('bad_key', `${what}: expected <name>+<key id>+<key>`);
  const [name, idHex, b64] = [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
  if (!isValidKeyName(name)) throw new ReleaseError('bad_key', `${what}: invalid key name`);
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw new ReleaseError('bad_key', `${what}: key ID must be 8 lower-case hex digits`);
  const raw = fromBase64(b64, 'bad_key', what);
  if (raw.length !== 33 || raw[0] !== SIG_TYPE_ED25519)
    throw new ReleaseError('bad_key', `${what}: expected an Ed25519 key (type 0x01, 32 bytes)`);
  return { name, id: Number.parseInt(idHex, 16), key: raw.subarray(1) };
}

/** Parses a verifier key string; rejects a key ID that does not match the name and key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const { name, id, key } = splitKey(vkey.trim(), 'verifier key');
  try {
    ed25519.Point.fromBytes(key, false);
  } catch {
    throw new ReleaseError('bad_key', 'verifier key: not a valid Ed25519 public key');
  }
  if (noteKeyId(name, key) !== id) throw new ReleaseError('bad_key', 'verifier key: key ID does not match');
  return { name, keyId: id, publicKey: key };
}

/** Parses a signer key string (see formatSignerKey). */
export function parseSignerKey(skey: string): NoteSigner {
  const t = skey.trim();
  if (!t.startsWith(PRIVATE_PREFIX))
    throw new ReleaseError('bad_key', 'signer key: expected PRIVATE+KEY+...');
  const { name, id, key: seed } = splitKey(t.slice(PRIVATE_PREFIX.length), 'signer key');
  const publicKey = ed25519.getPublicKey(seed);
  if (noteKeyId(name, publicKey) !== id)
    throw new ReleaseError('bad_key', 'signer key: key ID does not match');
  return { name, keyId: id, publicKey, seed };
}

/** Makes a fresh Ed25519 signer key named `name`. */
export function generateSigner(name: string): NoteSigner {
  if (!isValidKeyName(name)) throw new ReleaseError('bad_key', 'key name must be non-empty, no spaces or +');
  const { secretKey, publicKey } = ed25519.keygen();
  return { name, keyId: noteKeyId(name, publicKey), publicKey, seed: secretKey };
}

/** Strict RFC 8032 section 5.1.7 verification (canonical encodings, no ZIP-215 leniency); never throws. */
export function verifyEd25519(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean {
  if (sig.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(sig, msg, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** signed-note "Note text": UTF-8, ends in a newline, no control characters other than newline. */
function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new ReleaseError('bad_note', 'note text must end with a newline');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f)
      throw new ReleaseError('bad_note', 'note text contains a control character');
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = text.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) throw new ReleaseError('bad_note', 'note text is not valid Unicode');
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff)
      throw new ReleaseError('bad_note', 'note text is not valid Unicode');
  }
}

/** Signs `text` and returns the whole note: text, blank line, one signature line. */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  if (text.includes('\n\n')) throw new ReleaseError('bad_note', 'note text must not contain a blank line');
  const sig = ed25519.sign(utf8ToBytes(text), signer.seed);
  const idBytes = Uint8Array.of(
    signer.keyId >>> 24,
    (signer.keyId >>> 16) & 255,
    (signer.keyId >>> 8) & 255,
    signer.keyId & 255,
  );
  return `${text}\n${EM_DASH_PREFIX}${signer.name} ${toBase64(concatBytes(idBytes, sig))}\n`;
}

function decodeNote(msg: string | Uint8Array): string {
  if (typeof msg === 'string') return msg;
  if (msg.length > MAX_NOTE_BYTES)
    throw new ReleaseError('bad_note', `note is larger than ${MAX_NOTE_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(msg);
  } catch {
    throw new ReleaseError('bad_note', 'note is not valid UTF-8');
  }
}

/**
 * Opens a signed note (signed-note "Signed notes" and "Verifying"): signatures by keys other than
 * `verifier` are ignored, a signature by `verifier` that does not verify rejects the note, and at least
 * one must verify. Ed25519 verification is strict RFC 8032 (no ZIP-215 leniency).
 */
export function openNote(msg: string | Uint8Array, verifier: NoteVerifier): OpenedNote {
  const all = decodeNote(msg);
  if (all.length > MAX_NOTE_BYTES)
    throw new ReleaseError('bad_note', `note is larger than ${MAX_NOTE_BYTES} bytes`);
  if (!all.endsWith('\n')) throw new ReleaseError('bad_note', 'note must end with a newline');
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw new ReleaseError('bad_note', 'note has no signature block');
  const text = all.slice(0, split + 1);
  checkText(text);
  const lines = all.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new ReleaseError('bad_note', 'note has too many signatures');
  let verified = false;
  const msgBytes = utf8ToBytes(text);
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX)) throw new ReleaseError('bad_note', 'malformed signature line');
    const rest = line.slice(EM_DASH_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp < 0) throw new ReleaseError('bad_note', 'malformed signature line');
    const name = rest.slice(0, sp);
    if (!isValidKeyName(name)) throw new ReleaseError('bad_note', 'signature line has an invalid key name');
    const blob = fromBase64(rest.slice(sp + 1), 'bad_note', 'signature');
    if (blob.length < 5) throw new ReleaseError('bad_note', 'signature is too short');
    const id = ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0;
    if (name !== verifier.name || id !== verifier.keyId) continue; // unknown key: ignored
    const sig = blob.subarray(4);
    const ok = verifyEd25519(sig, msgBytes, verifier.publicKey);
    if (!ok) throw new ReleaseError('unverified_note', `signature by ${name}+${hex8(id)} does not verify`);
    verified = true;
  }
  if (!verified)
    throw new ReleaseError(
      'unverified_note',
      `note is not signed by ${verifier.name}+${hex8(verifier.keyId)}`,
    );
  return { text, verifiedBy: verifier };
}

/** Short human form of a key: `<name>+<hex8 key ID>` (what the app shows the user). */
export function keyLabel(v: NoteVerifier): string {
  return `${v.name}+${hex8(v.keyId)}`;
}
