// CONFIRM content (docs/protocol.md Part 2, 2.6): JSON, validated field by field.
import { utf8 } from '../crypto/bytes.ts';
import { constantTimeEqual, ed25519Verify } from '../crypto/sodium.ts';
import { decodeBase64url, encodeBase64url } from '../envelope/base64url.ts';
import type { LocalKeys } from '../session/types.ts';
import { confirmTranscript } from './context.ts';

export interface Confirm {
  identityKey: Uint8Array;
  sig: Uint8Array;
  checkpoint: string | null;
}

const MAX_CHECKPOINT = 8192;

export function encodeConfirm(c: Confirm): Uint8Array {
  return utf8(
    JSON.stringify({
      v: 1,
      identityKey: encodeBase64url(c.identityKey),
      sig: encodeBase64url(c.sig),
      checkpoint: c.checkpoint,
    }),
  );
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
  if (!(o.checkpoint === null || (typeof o.checkpoint === 'string' && o.checkpoint.length <= MAX_CHECKPOINT)))
    return undefined;
  const identityKey = decodeBase64url(o.identityKey);
  const sig = decodeBase64url(o.sig);
  if (identityKey?.length !== 32 || sig?.length !== 64) return undefined;
  return { identityKey, sig, checkpoint: o.checkpoint };
}

/** This side's CONFIRM content: identity key, signature over the transcript, keyshare checkpoint. */
export function makeConfirm(
  local: LocalKeys,
  senderIsInitiator: boolean,
  handshakeHash: Uint8Array,
  checkpoint: string | null,
): Uint8Array {
  const sig = local.sign(confirmTranscript(senderIsInitiator, handshakeHash, local.staticKeyPair.publicKey));
  return encodeConfirm({ identityKey: local.publicIdentity.ed25519, sig, checkpoint });
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
