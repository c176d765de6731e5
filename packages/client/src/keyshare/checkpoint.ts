// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text of a log's signed tree head.
//   <origin>\n<tree size, decimal, no leading zeroes>\n<base64 RFC 6962 root hash>\n[extension lines]
// sealpeer logs write no extension lines and require the signing key's name to equal the origin.
import { fromBase64, toBase64 } from './encoding.ts';
import { HASH_SIZE } from './merkle.ts';
import { NoteError, type NoteSigner, type NoteVerifier, signNote, verifySignedNote } from './note.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The full signed note, as served by the log. */
  readonly note: string;
}

export function formatCheckpoint(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${toBase64(c.rootHash)}\n`;
}

/** Parses checkpoint note text (tlog-checkpoint §Note text). Throws NoteError('malformed_note'). */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  // text ends in '\n', so the last element is '' and there are at least three lines before it.
  if (lines.length < 4 || lines.at(-1) !== '')
    throw new NoteError('malformed_note', 'checkpoint is too short');
  const [origin, sizeLine, rootLine] = lines as [string, string, string];
  if (lines.slice(0, -1).some((l) => l.length === 0)) {
    throw new NoteError('malformed_note', 'checkpoint has an empty line');
  }
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new NoteError('malformed_note', 'checkpoint tree size is malformed');
  }
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootLine);
  } catch {
    throw new NoteError('malformed_note', 'checkpoint root hash is not base64');
  }
  if (rootHash.length !== HASH_SIZE)
    throw new NoteError('malformed_note', 'checkpoint root hash has the wrong size');
  return { origin, size: Number(sizeLine), rootHash };
}

export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(c), [signer]);
}

/**
 * Verifies a checkpoint note against the log's pinned key and parses it. The origin line must equal
 * the key name (tlog-checkpoint §Signatures: "SHOULD match"; sealpeer makes it a MUST).
 */
export function openCheckpoint(note: string, verifier: NoteVerifier): SignedCheckpoint {
  const text = verifySignedNote(note, [verifier]);
  const c = parseCheckpoint(text);
  if (c.origin !== verifier.name)
    throw new NoteError('malformed_note', 'checkpoint origin does not match the log key');
  return { ...c, note };
}
