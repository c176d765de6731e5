// Release notes are C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys. The format is
// implemented once, in ../keyshare/note.ts (shared with keyshare checkpoints); this adapter gives the
// release layer its error codes (ReleaseError) and the short key label shown to users.
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  ed25519Verify,
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  MAX_NOTE_BYTES,
  NoteError,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey as parseSigner,
  parseVerifierKey as parseVerifier,
  signNote as signWith,
  verifySignedNote,
} from '../keyshare/note.ts';
import { ReleaseError } from './errors.ts';

export { ed25519Verify, formatSignerKey, formatVerifierKey, type NoteSigner, type NoteVerifier };

/** A note whose signature by the given verifier was checked. */
export interface OpenedNote {
  readonly text: string;
  readonly verifiedBy: NoteVerifier;
}

function mapped<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof NoteError)) throw err;
    const code =
      err.code === 'bad_key' ? 'bad_key' : err.code === 'malformed_note' ? 'bad_note' : 'unverified_note';
    throw new ReleaseError(code, err.message);
  }
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  return mapped(() => parseVerifier(vkey.trim()));
}

export function parseSignerKey(skey: string): NoteSigner {
  return mapped(() => parseSigner(skey.trim()));
}

/** A fresh Ed25519 release key named `name` (no spaces, no '+'). */
export function generateSigner(name: string): NoteSigner {
  return mapped(() => generateNoteSigner(name));
}

/** Signs `text` (ending in a newline, no blank line) with one key: text, blank line, signature line. */
export function signNote(text: string, signer: NoteSigner): string {
  if (text.includes('\n\n')) throw new ReleaseError('bad_note', 'note text must not contain a blank line');
  return mapped(() => signWith(text, [signer]));
}

/**
 * Opens a signed note: signatures by other keys are ignored, one by `verifier` that does not verify
 * rejects the note, and at least one must verify (signed-note, "Verifying notes").
 */
export function openNote(msg: string | Uint8Array, verifier: NoteVerifier): OpenedNote {
  let text: string;
  if (typeof msg === 'string') text = msg;
  else {
    if (msg.length > MAX_NOTE_BYTES)
      throw new ReleaseError('bad_note', `note is larger than ${MAX_NOTE_BYTES} bytes`);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(msg);
    } catch {
      throw new ReleaseError('bad_note', 'note is not valid UTF-8');
    }
  }
  try {
    return { text: mapped(() => verifySignedNote(text, [verifier])), verifiedBy: verifier };
  } catch (err) {
    if (err instanceof ReleaseError && err.code === 'unverified_note')
      throw new ReleaseError(err.code, `release note is not signed by ${keyLabel(verifier)}: ${err.message}`);
    throw err;
  }
}

/** Short human form of a key: `<name>+<hex8 key ID>` (what the app shows the user). */
export function keyLabel(v: NoteVerifier): string {
  return `${v.name}+${bytesToHex(v.keyId)}`;
}
