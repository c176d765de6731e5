// SEALED frames (docs/protocol.md 2.4, 2.5): pad, then XChaCha20-Poly1305 with the header and both
// clientIds as associated data.
import { xchacha20poly1305Decrypt, xchacha20poly1305Encrypt } from '../crypto/sodium.ts';
import { type Frame, FrameType, headerOf } from './frame.ts';
import { decodeInner, encodeInner, type Inner } from './inner.ts';
import { type Direction, envelopeAd, envelopeNonce } from './keys.ts';
import { pad, unpad } from './padding.ts';

export interface SealContext {
  key: Uint8Array;
  dir: Direction;
  sid: Uint8Array;
  from: string;
  to: string;
}

/** Builds the SEALED frame for `inner` at `counter`; undefined when the message is too large. */
export function seal(ctx: SealContext, counter: bigint, inner: Inner): Frame | undefined {
  const padded = pad(encodeInner(inner));
  if (!padded) return undefined;
  const frame: Frame = { type: FrameType.SEALED, sid: ctx.sid, counter, body: new Uint8Array(0) };
  const ad = envelopeAd(headerOf(frame), ctx.from, ctx.to);
  frame.body = xchacha20poly1305Encrypt(ctx.key, envelopeNonce(ctx.dir, counter), ad, padded);
  return frame;
}

export type OpenResult =
  | { ok: true; inner: Inner }
  | { ok: false; reason: 'bad_tag' | 'bad_padding' | 'malformed' };

/** Opens a SEALED frame already checked for sid, route and counter. */
export function open(ctx: SealContext, frame: Frame): OpenResult {
  const ad = envelopeAd(headerOf(frame), ctx.from, ctx.to);
  let padded: Uint8Array;
  try {
    padded = xchacha20poly1305Decrypt(ctx.key, envelopeNonce(ctx.dir, frame.counter), ad, frame.body);
  } catch {
    return { ok: false, reason: 'bad_tag' };
  }
  const innerBytes = unpad(padded);
  if (!innerBytes) return { ok: false, reason: 'bad_padding' };
  const inner = decodeInner(innerBytes);
  if (!inner) return { ok: false, reason: 'malformed' };
  return { ok: true, inner };
}
