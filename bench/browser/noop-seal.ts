// BENCH-ONLY replacement for packages/client/src/envelope/seal.ts, swapped in by a Vite plugin for the
// "no-op sealing" build of the browser section (bench/sections/browser.ts). Same frames, same padding
// and the same 16 extra body bytes as the real seal, but no AEAD: the body is the padded plaintext and
// a zero "tag". It exists only to measure what sealing costs in time-to-data-channel; it is never part
// of any real build.
import { type Frame, FrameType } from '../../packages/client/src/envelope/frame.ts';
import { decodeInner, encodeInner, type Inner } from '../../packages/client/src/envelope/inner.ts';
import { pad, unpad } from '../../packages/client/src/envelope/padding.ts';
// Types only (erased at build time): the same signatures as the module this one replaces.
import type { OpenResult, SealContext } from '../../packages/client/src/envelope/seal.ts';

export type { OpenResult, SealContext };

const TAG = 16;

export function seal(ctx: SealContext, counter: bigint, inner: Inner): Frame | undefined {
  const padded = pad(encodeInner(inner));
  if (!padded) return undefined;
  const body = new Uint8Array(padded.length + TAG);
  body.set(padded);
  return { type: FrameType.SEALED, sid: ctx.sid, counter, body };
}

export function open(_ctx: SealContext, frame: Frame): OpenResult {
  if (frame.body.length < TAG) return { ok: false, reason: 'bad_tag' };
  const innerBytes = unpad(frame.body.subarray(0, frame.body.length - TAG));
  if (!innerBytes) return { ok: false, reason: 'bad_padding' };
  const inner = decodeInner(innerBytes);
  return inner ? { ok: true, inner } : { ok: false, reason: 'malformed' };
}
