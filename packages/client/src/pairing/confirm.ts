// CONFIRM content (docs/protocol.md Part 2, 2.6): JSON, validated field by field.
import { utf8 } from '../crypto/bytes.ts';
import { constantTimeEqual, ed25519Verify } from '../crypto/sodium.ts';
import { decodeBase64url, encodeBase64url } from '../envelope/base64url.ts';
import type { LocalKeys } from '../session/types.ts';
import { confirmTranscript } from './context.ts';

export interface Confirm {
  identityKey: Uint8Array;
  sig: Uint8Array;
  /** The sender's keyshare checkpoints, one per log it holds one of (2.6); empty when it has none. */
  checkpoints: string[];
}

/** Limits of the checkpoint slot (docs/protocol.md 2.6). */
export const MAX_CHECKPOINT = 8192;
export const MAX_CHECKPOINTS = 8;
/** The encoded CONFIRM must leave room in the largest padding bucket (2.5: 32 768 bytes). */
export const MAX_CONFIRM_BYTES = 32_000;

const isCheckpoint = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_CHECKPOINT;

/**
 * `checkpoint` (version-1 field, the first checkpoint or null) stays for receivers that know only it;
 * `checkpoints` (the whole list) is sent when there is more than one. Checkpoints that would make the
 * content too large for the padding buckets are left out, last first.
 */
export function encodeConfirm(c: Confirm): Uint8Array {
  const list = c.checkpoints.filter(isCheckpoint).slice(0, MAX_CHECKPOINTS);
  for (;;) {
    const bytes = utf8(
      JSON.stringify({
        v: 1,
        identityKey: encodeBase64url(c.identityKey),
        sig: encodeBase64url(c.sig),
        checkpoint: list[0] ?? null,
        ...(list.length > 1 ? { checkpoints: list } : {}),
      }),
    );
    if (bytes.length <= MAX_CONFIRM_BYTES || list.length === 0) return bytes;
    list.pop();
  }
}

/** The checkpoint list of a decoded CONFIRM object, or undefined when the slot is malformed. */
function checkpointsOf(o: Record<string, unknown>): string[] | undefined {
  if (!(o.checkpoint === null || isCheckpoint(o.checkpoint))) return undefined;
  if (o.checkpoints === undefined) return o.checkpoint === null ? [] : [o.checkpoint];
  const list = o.checkpoints;
  if (!Array.isArray(list) || list.length < 2 || list.length > MAX_CHECKPOINTS || !list.every(isCheckpoint))
    return undefined;
  // The version-1 field must be the list's first entry, so old and new receivers see the same thing.
  return o.checkpoint === list[0] ? [...list] : undefined;
}

/** undefined for anything that is not a valid version-1 CONFIRM. */
export function decodeConfirm(b: Uint8Array): Confirm | undefined {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.v !== 1 || typeof o.identityKey !== 'string' || typeof o.sig !== 'string') return undefined;
  const checkpoints = checkpointsOf(o);
  if (!checkpoints) return undefined;
  const identityKey = decodeBase64url(o.identityKey);
  const sig = decodeBase64url(o.sig);
  if (identityKey?.length !== 32 || sig?.length !== 64) return undefined;
  return { identityKey, sig, checkpoints };
}

/** This side's CONFIRM content: identity key, signature over the transcript, keyshare checkpoint. */
export function makeConfirm(
  local: LocalKeys,
  senderIsInitiator: boolean,
  handshakeHash: Uint8Array,
  checkpoints: readonly string[],
): Uint8Array {
  const sig = local.sign(confirmTranscript(senderIsInitiator, handshakeHash, local.staticKeyPair.publicKey));
  return encodeConfirm({ identityKey: local.publicIdentity.ed25519, sig, checkpoints: [...checkpoints] });
}

export type ConfirmCheck = Confirm | { reason: 'malformed' | 'identity_mismatch'; detail: string };

/** Validates the peer's CONFIRM: well-formed, signature over this handshake, expected identity (2.6). */
export function checkConfirm(
  content: Uint8Array,
  senderIsInitiator: boolean,
  handshakeHash: Uint8Array,
  senderStatic: Uint8Array,
  expectedIdentity: Uint8Array | undefined,
): ConfirmCheck {
  const c = decodeConfirm(content);
  if (!c) return { reason: 'malformed', detail: 'CONFIRM content' };
  if (!ed25519Verify(c.sig, confirmTranscript(senderIsInitiator, handshakeHash, senderStatic), c.identityKey))
    return { reason: 'identity_mismatch', detail: 'CONFIRM signature does not verify' };
  if (expectedIdentity && !constantTimeEqual(expectedIdentity, c.identityKey))
    return { reason: 'identity_mismatch', detail: 'identity key differs from the expected one' };
  return c;
}
