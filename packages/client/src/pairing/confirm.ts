// CONFIRM content (docs/protocol.md Part 2, 2.6): JSON, validated field by field.
import { utf8 } from '../crypto/bytes.ts';
import { decodeBase64url, encodeBase64url } from '../envelope/base64url.ts';

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
