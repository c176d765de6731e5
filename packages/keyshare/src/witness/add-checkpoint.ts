// C2SP tlog-witness §add-checkpoint, the witness's decision for one request. The body is
//   "old <size>\n" <0..63 base64 consistency-proof hash lines> "\n" <checkpoint note>
// Checked in the spec's order: malformed 400, unknown origin 404, no valid log signature 403,
// old > size 400, old != the last cosigned size 409 (body: that size), then 422 for an empty tree
// with another root, a proof with old 0, a failing consistency proof, or a same-size other root.
// Only then is the checkpoint cosigned and persisted. Synchronous from the state read to the state
// write, so two requests cannot interleave (the spec's rollback race).
import * as keyshare from '@sealpeer/client/keyshare';
import { ApiError } from '../errors.ts';
import type { WitnessState } from './state.ts';

export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: Uint8Array[];
  readonly note: string;
}

/** Parses the request body; ApiError('invalid_request') when it is not of the form above. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const bad = (why: string): never => {
    throw new ApiError('invalid_request', `add-checkpoint body: ${why}`);
  };
  const end = body.indexOf('\n\n');
  if (end < 0) bad('no empty line before the checkpoint');
  const head = body.slice(0, end).split('\n');
  const m = /^old (0|[1-9][0-9]{0,15})$/.exec(head[0]!);
  if (!m || !Number.isSafeInteger(Number(m[1]))) bad('the first line must be "old <size>"');
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) bad(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = proofLines.map((l) => {
    const h = keyshare.tryBase64(l);
    return h?.length === keyshare.HASH_SIZE ? h : bad('a proof line is not a base64 32-byte hash');
  });
  return { oldSize: Number(m![1]), proof, note: body.slice(end + 2) };
}

export interface WitnessLog {
  readonly origin: string;
  readonly verifier: keyshare.NoteVerifier;
}

export type AddCheckpointResult =
  | { readonly kind: 'cosigned'; readonly lines: string }
  | { readonly kind: 'conflict'; readonly size: number };

export interface WitnessContext {
  readonly logs: ReadonlyMap<string, WitnessLog>;
  readonly signer: keyshare.NoteSigner;
  readonly state: WitnessState;
  /** ms since the epoch */
  readonly now: () => number;
}

function refuse(ctx: WitnessContext, origin: string, body: string, message: string): never {
  ctx.state.recordRefusal(origin, message, body, ctx.now());
  throw new ApiError('inconsistent_checkpoint', message);
}

export function addCheckpoint(ctx: WitnessContext, body: string): AddCheckpointResult {
  const req = parseAddCheckpoint(body);
  let text: string;
  try {
    text = keyshare.parseSignedNote(req.note).text;
  } catch (err) {
    throw new ApiError('invalid_request', `checkpoint: ${(err as Error).message}`);
  }
  const origin = text.slice(0, text.indexOf('\n'));
  const log = ctx.logs.get(origin);
  if (!log) throw new ApiError('unknown_log', `this witness does not witness the log "${origin}"`);
  try {
    keyshare.verifySignedNote(req.note, [log.verifier]);
  } catch (err) {
    throw new ApiError('log_signature_invalid', (err as Error).message);
  }
  let cp: keyshare.Checkpoint;
  try {
    cp = keyshare.parseCheckpoint(text);
  } catch (err) {
    throw new ApiError('invalid_request', `checkpoint: ${(err as Error).message}`);
  }
  if (req.oldSize > cp.size) throw new ApiError('invalid_request', 'old size is larger than the checkpoint');
  const last = ctx.state.latest(origin);
  if (req.oldSize !== (last?.size ?? 0)) return { kind: 'conflict', size: last?.size ?? 0 };
  const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (cp.size === 0 && !eq(cp.rootHash, keyshare.emptyRoot())) {
    refuse(ctx, origin, body, 'a checkpoint of size 0 must have the empty-tree root');
  }
  if (req.oldSize === 0 && req.proof.length > 0) refuse(ctx, origin, body, 'old size 0 needs an empty proof');
  if (last && req.oldSize > 0) {
    if (req.oldSize === cp.size) {
      if (req.proof.length > 0 || !eq(cp.rootHash, last.rootHash)) {
        refuse(ctx, origin, body, 'same size as the last cosigned checkpoint but another root (fork)');
      }
    } else {
      try {
        keyshare.verifyConsistency(req.oldSize, cp.size, req.proof, last.rootHash, cp.rootHash);
      } catch (err) {
        refuse(ctx, origin, body, `consistency proof fails (fork or rewrite): ${(err as Error).message}`);
      }
    }
  }
  const now = ctx.now();
  const line = keyshare.cosign(text, ctx.signer, Math.floor(now / 1000));
  ctx.state.save(origin, { size: cp.size, rootHash: cp.rootHash, checkpoint: `${req.note}${line}` }, now);
  return { kind: 'cosigned', lines: line };
}
