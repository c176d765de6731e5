// C2SP tlog-cosignature, Ed25519 form (https://c2sp.org/tlog-cosignature §Format, §Ed25519 signed
// message): a witness's statement that a checkpoint is the largest consistent tree it has seen.
//   key ID    = SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
//   message   = "cosignature/v1\n" || "time <POSIX seconds>\n" || <checkpoint note text>
//   signature line = "— <name> " base64(key ID || u64be(timestamp) || Ed25519 signature) "\n"
// Cosigner keys are vkeys with type 0x04: `<name>+<hex key ID>+<base64(0x04 || public key)>`; the
// witness's own key file is `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>`.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesEqual, toBase64 } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareUnverifiedError } from './errors.ts';
import {
  ed25519Verify,
  isValidKeyName,
  NoteError,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  parseKeyString,
  parseSignedNote,
} from './note.ts';

export const ALG_COSIGNATURE_V1 = 0x04;
const TIMESTAMP_BYTES = 8;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

export function cosignerKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, ALG_COSIGNATURE_V1), publicKey)).subarray(
    0,
    4,
  );
}

/**
 * Parses a cosigner verifier key: a vkey of type 0x04 (tlog-cosignature §Format), or, as witnesses
 * that publish plain note keys do (transparency-dev/formats NewVerifierForCosignatureV1), a type 0x01
 * vkey of the same Ed25519 key. Either way the key ID must match its own type, and the returned key
 * ID is the cosignature one (0x04).
 */
export function parseCosignerKey(text: string): NoteVerifier {
  let parsed: { name: string; keyId: Uint8Array; key: Uint8Array };
  let expected: (name: string, key: Uint8Array) => Uint8Array = cosignerKeyId;
  try {
    parsed = parseKeyString(text, '', ALG_COSIGNATURE_V1);
  } catch {
    parsed = parseKeyString(text, '', 0x01);
    expected = noteKeyId;
  }
  const { name, keyId, key } = parsed;
  if (!bytesEqual(expected(name, key), keyId))
    throw new NoteError('bad_key', 'cosigner key ID does not match');
  return { name, keyId: cosignerKeyId(name, key), publicKey: key };
}

export function formatCosignerKey(v: Pick<NoteVerifier, 'name' | 'publicKey'>): string {
  const id = bytesToHex(cosignerKeyId(v.name, v.publicKey));
  return `${v.name}+${id}+${toBase64(concatBytes(Uint8Array.of(ALG_COSIGNATURE_V1), v.publicKey))}`;
}

export function parseCosignerSignerKey(text: string): NoteSigner {
  const { name, keyId, key: seed } = parseKeyString(text, 'PRIVATE+KEY+', ALG_COSIGNATURE_V1);
  const publicKey = ed25519.getPublicKey(seed);
  if (!bytesEqual(cosignerKeyId(name, publicKey), keyId))
    throw new NoteError('bad_key', 'cosigner key ID does not match');
  return { name, keyId, publicKey, seed };
}

export function formatCosignerSignerKey(s: Pick<NoteSigner, 'name' | 'seed'>): string {
  const id = bytesToHex(cosignerKeyId(s.name, ed25519.getPublicKey(s.seed)));
  return `PRIVATE+KEY+${s.name}+${id}+${toBase64(concatBytes(Uint8Array.of(ALG_COSIGNATURE_V1), s.seed))}`;
}

export function generateCosigner(name: string): NoteSigner {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', 'invalid key name');
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  return { name, keyId: cosignerKeyId(name, publicKey), publicKey, seed };
}

/** tlog-cosignature §Ed25519 signed message. `text` is the checkpoint note text (ends in "\n"). */
export function cosignedMessage(text: string, timestamp: number): Uint8Array {
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

function u64be(n: number): Uint8Array {
  const b = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/** A cosignature line over checkpoint note text `text` at POSIX time `timestamp` (seconds, > 0). */
export function cosign(text: string, signer: NoteSigner, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) throw new RangeError('timestamp must be > 0');
  const sig = ed25519.sign(cosignedMessage(text, timestamp), signer.seed);
  return `\u2014 ${signer.name} ${toBase64(concatBytes(signer.keyId, u64be(timestamp), sig))}\n`;
}

/**
 * Checks one note signature as a cosignature by `key` over `text`. Returns its timestamp, or null
 * when the signature line is not by this key (name and key ID); throws NoteError('bad_signature')
 * when it is by this key and does not verify.
 */
export function verifyCosignature(s: NoteSignature, text: string, key: NoteVerifier): number | null {
  if (s.name !== key.name || !bytesEqual(s.keyId, key.keyId)) return null;
  if (s.signature.length !== TIMESTAMP_BYTES + 64) {
    throw new NoteError('bad_signature', `cosignature by ${key.name} has the wrong length`);
  }
  const ts = new DataView(s.signature.buffer, s.signature.byteOffset, TIMESTAMP_BYTES).getBigUint64(0);
  if (ts === 0n || ts > MAX_TIMESTAMP || ts > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NoteError('bad_signature', `cosignature by ${key.name} has an invalid timestamp`);
  }
  const timestamp = Number(ts);
  if (
    !ed25519Verify(s.signature.subarray(TIMESTAMP_BYTES), cosignedMessage(text, timestamp), key.publicKey)
  ) {
    throw new NoteError('bad_signature', `cosignature by ${key.name} does not verify`);
  }
  return timestamp;
}

/** Witness keys a client pins, and how many of them must have cosigned a checkpoint. */
export interface WitnessPolicy {
  /** Cosigner verifier keys (vkeys with type 0x04). */
  readonly keys: readonly string[];
  /** k of n: at least 1, at most keys.length. */
  readonly quorum: number;
}

export interface ParsedWitnessPolicy {
  readonly keys: readonly NoteVerifier[];
  readonly quorum: number;
}

export function parseWitnessPolicy(p: WitnessPolicy): ParsedWitnessPolicy {
  const keys = p.keys.map(parseCosignerKey);
  const ids = new Set(keys.map((k) => `${k.name} ${bytesToHex(k.keyId)}`));
  if (ids.size !== keys.length) throw new RangeError('the same witness key is pinned twice');
  if (!Number.isSafeInteger(p.quorum) || p.quorum < 1 || p.quorum > keys.length) {
    throw new RangeError(`witness quorum must be from 1 to ${keys.length}, got ${p.quorum}`);
  }
  return { keys, quorum: p.quorum };
}

/**
 * Requires valid cosignatures on the checkpoint `note` from at least `quorum` distinct pinned
 * witnesses. A pinned witness's signature line that does not verify rejects the note
 * ('cosignature_invalid', as signed-note requires of a known key); too few is 'witness_quorum'.
 * Returns the witnesses' names that cosigned.
 */
export function checkWitnessQuorum(note: string, policy: ParsedWitnessPolicy): string[] {
  const { text, signatures } = parseSignedNote(note);
  const cosigned = new Set<NoteVerifier>();
  for (const s of signatures) {
    for (const key of policy.keys) {
      try {
        if (verifyCosignature(s, text, key) !== null) cosigned.add(key);
      } catch (err) {
        throw new KeyshareIntegrityError('cosignature_invalid', (err as Error).message);
      }
    }
  }
  if (cosigned.size < policy.quorum) {
    throw new KeyshareUnverifiedError(
      'witness_quorum',
      `${cosigned.size} of the ${policy.keys.length} pinned witnesses cosigned this checkpoint; ${policy.quorum} required`,
    );
  }
  return [...cosigned].map((k) => k.name);
}
