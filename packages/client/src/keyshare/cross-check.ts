// Split-view cross-check between two peers of a sealed session (docs/protocol.md 2.6, docs/keyshare.md
// §Split view): for every log this device holds a checkpoint of, the peer's checkpoint of the same log
// (signed by the same pinned key) must be the same tree or a consistent extension. A log the peer sent
// nothing for is "not cross-checked" — reported, never silently accepted as checked.
import type { KeyshareClient } from './client.ts';
import { bytesEqual } from './encoding.ts';
import { KeyshareIntegrityError, type KeyshareIntegrityReason, KeyshareRequestError } from './errors.ts';
import { formatVerifierKey, type NoteVerifier, parseSignedNote } from './note.ts';

/** Why one log could not be cross-checked with the peer. */
export type NotCrossCheckedWhy =
  /** The peer sent no checkpoint signed by this log's key. */
  | 'peer_sent_none'
  /** The keyshare did not answer (or refused) the consistency proof between the two trees. */
  | 'proof_unavailable';

export type LogCrossCheck =
  | { log: string; origin: string; status: 'same' | 'consistent' }
  | { log: string; origin: string; status: 'not_cross_checked'; why: NotCrossCheckedWhy; detail?: string };

export interface CrossCheck {
  /**
   * 'cross_checked': every log we hold was checked against the peer's view; 'not_cross_checked': at
   * least one was not (see logs); 'nothing_to_check': this device holds no checkpoint.
   */
  readonly status: 'cross_checked' | 'not_cross_checked' | 'nothing_to_check';
  readonly logs: readonly LogCrossCheck[];
}

export interface CrossCheckOptions {
  /** Bound on each consistency-proof fetch (default 10 s); past it the log is "not cross-checked". */
  readonly timeoutMs?: number;
}

/** True when one of the note's signature lines names this log key (name and key ID). */
export function signedByKey(note: string, verifier: NoteVerifier): boolean {
  try {
    return parseSignedNote(note).signatures.some(
      (s) => s.name === verifier.name && bytesEqual(s.keyId, verifier.keyId),
    );
  } catch {
    return false;
  }
}

/** The checkpoints to put in CONFIRM: the latest verified one of each client's log (none skipped). */
export async function heldCheckpoints(clients: readonly KeyshareClient[]): Promise<string[]> {
  const notes = await Promise.all(clients.map((c) => c.latestCheckpointNote().catch(() => null)));
  return [...new Set(notes.filter((n): n is string => n !== null))];
}

/** Reasons that prove the views differ (signed notes + a failing or impossible proof), not mere failure. */
const PROVEN = new Set<KeyshareIntegrityReason>([
  'split_view',
  'checkpoint_invalid',
  'fork_detected',
  'consistency_failed',
  'checkpoint_rollback',
]);

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KeyshareRequestError(0, 'network_error', 'timed out')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Checks the peer's checkpoints (`peerNotes`, from its CONFIRM) against each client's log. Throws
 * KeyshareIntegrityError when a check proves misbehaviour: `split_view` (the two views are not one
 * append-only log) or `checkpoint_invalid` (a note claiming our log's key whose signature fails). Peer
 * notes of logs we do not hold are ignored.
 */
export async function crossCheckPeer(
  clients: readonly KeyshareClient[],
  peerNotes: readonly string[],
  opts: CrossCheckOptions = {},
): Promise<CrossCheck> {
  const logs: LogCrossCheck[] = [];
  for (const client of clients) {
    if ((await client.latestCheckpointNote()) === null) continue; // nothing held for this log
    const log = formatVerifierKey(client.verifier);
    const origin = client.verifier.name;
    const theirs = peerNotes.filter((n) => signedByKey(n, client.verifier));
    if (theirs.length === 0) {
      logs.push({ log, origin, status: 'not_cross_checked', why: 'peer_sent_none' });
      continue;
    }
    let result: LogCrossCheck = { log, origin, status: 'same' };
    for (const note of theirs) {
      try {
        const r = await withTimeout(client.checkPeerCheckpoint(note), opts.timeoutMs ?? 10_000);
        if (r.status === 'consistent' && result.status === 'same')
          result = { log, origin, status: 'consistent' };
      } catch (err) {
        if (err instanceof KeyshareIntegrityError && PROVEN.has(err.reason)) throw err;
        if (!(err instanceof KeyshareIntegrityError || err instanceof KeyshareRequestError)) throw err;
        // No answer, a refusal or a malformed answer: the check could not be made, which proves nothing.
        result = {
          log,
          origin,
          status: 'not_cross_checked',
          why: 'proof_unavailable',
          detail: `${err.code}: ${err.message}`,
        };
        break;
      }
    }
    logs.push(result);
  }
  const status =
    logs.length === 0
      ? 'nothing_to_check'
      : logs.every((l) => l.status !== 'not_cross_checked')
        ? 'cross_checked'
        : 'not_cross_checked';
  return { status, logs };
}
