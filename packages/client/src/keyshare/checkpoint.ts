// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text of a log's signed tree head.
//   <origin>\n<tree size, decimal, no leading zeroes>\n<base64 RFC 6962 root hash>\n[extension lines]
// sealpeer logs write one extension line (tlog-checkpoint §Note text, item 4: opaque, non-empty),
//   sealpeer-map/v1 <base64 map root>\n
// the root of the verifiable map (./map.ts) after the same leaves, and require the signing key's name
// to equal the origin. Standard note verifiers ignore the line; sealpeer clients and monitors use it.
import { fromBase64, toBase64 } from './encoding.ts';
import { HASH_SIZE } from './merkle.ts';
import { NoteError, type NoteSigner, type NoteVerifier, signNote, verifySignedNote } from './note.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Root of the verifiable map after the same `size` leaves; null when the line is absent. */
  readonly mapRoot?: Uint8Array | null;
}

/** The extension line's keyword: `sealpeer-map/v1 <base64 map root>`. */
export const MAP_ROOT_LINE = 'sealpeer-map/v1';

/** A parsed checkpoint: the map root is known (null when the note has no map line). */
export interface ParsedCheckpoint extends Checkpoint {
  readonly mapRoot: Uint8Array | null;
}

export interface SignedCheckpoint extends ParsedCheckpoint {
  /** The full signed note, as served by the log. */
  readonly note: string;
}

export function formatCheckpoint(c: Checkpoint): string {
  const map = c.mapRoot ? `${MAP_ROOT_LINE} ${toBase64(c.mapRoot)}\n` : '';
  return `${c.origin}\n${c.size}\n${toBase64(c.rootHash)}\n${map}`;
}

function hash32(text: string, what: string): Uint8Array {
  let h: Uint8Array;
  try {
    h = fromBase64(text);
  } catch {
    throw new NoteError('malformed_note', `${what} is not base64`);
  }
  if (h.length !== HASH_SIZE) throw new NoteError('malformed_note', `${what} has the wrong size`);
  return h;
}

/**
 * The map root among the extension lines: exactly one `sealpeer-map/v1 <base64>` line, or none (null).
 * Other extension lines are opaque (tlog-checkpoint §Note text) and ignored.
 */
function parseMapLine(lines: string[]): Uint8Array | null {
  const map = lines.filter((l) => l.startsWith('sealpeer-map/'));
  if (map.length === 0) return null;
  if (map.length > 1) throw new NoteError('malformed_note', 'checkpoint has more than one map root line');
  const m = /^sealpeer-map\/v1 (\S+)$/.exec(map[0]!);
  if (!m) throw new NoteError('malformed_note', 'checkpoint map root line is malformed');
  return hash32(m[1]!, 'checkpoint map root');
}

/** Parses checkpoint note text (tlog-checkpoint §Note text). Throws NoteError('malformed_note'). */
export function parseCheckpoint(text: string): ParsedCheckpoint {
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
  const rootHash = hash32(rootLine, 'checkpoint root hash');
  const mapRoot = parseMapLine(lines.slice(3, -1));
  return { origin, size: Number(sizeLine), rootHash, mapRoot };
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
