// WebRTC signaling contents inside SEALED frames (docs/protocol.md Part 2, 2.5), validated field by field.
import { InnerKind, type InnerKindValue } from '../envelope/inner.ts';

const MAX_SDP = 30_000;
const MAX_CANDIDATE = 1024;

export type Signal =
  | { kind: 'offer' | 'answer' | 'renegotiate'; sdp: string }
  | { kind: 'candidate'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  | { kind: 'end-of-candidates' };

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

export function encodeSignal(s: Signal): [InnerKindValue, Uint8Array] {
  switch (s.kind) {
    case 'offer':
      return [InnerKind.OFFER, enc({ sdp: s.sdp })];
    case 'answer':
      return [InnerKind.ANSWER, enc({ sdp: s.sdp })];
    case 'renegotiate':
      return [InnerKind.RENEGOTIATE, enc({ sdp: s.sdp })];
    case 'candidate':
      return [
        InnerKind.CANDIDATE,
        enc({ candidate: s.candidate, sdpMid: s.sdpMid, sdpMLineIndex: s.sdpMLineIndex }),
      ];
    case 'end-of-candidates':
      return [InnerKind.END_OF_CANDIDATES, new Uint8Array(0)];
  }
}

function json(b: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** undefined for any content that does not match its kind. */
export function decodeSignal(kind: InnerKindValue, content: Uint8Array): Signal | undefined {
  if (kind === InnerKind.END_OF_CANDIDATES)
    return content.length === 0 ? { kind: 'end-of-candidates' } : undefined;
  const o = json(content);
  if (!o) return undefined;
  const names: Partial<Record<InnerKindValue, 'offer' | 'answer' | 'renegotiate'>> = {
    [InnerKind.OFFER]: 'offer',
    [InnerKind.ANSWER]: 'answer',
    [InnerKind.RENEGOTIATE]: 'renegotiate',
  };
  const name = names[kind];
  if (name) {
    if (
      typeof o.sdp !== 'string' ||
      o.sdp.length === 0 ||
      o.sdp.length > MAX_SDP ||
      Object.keys(o).length !== 1
    )
      return undefined;
    return { kind: name, sdp: o.sdp };
  }
  if (kind === InnerKind.CANDIDATE) {
    const { candidate, sdpMid, sdpMLineIndex } = o;
    if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE) return undefined;
    if (!(sdpMid === null || sdpMid === undefined || (typeof sdpMid === 'string' && sdpMid.length <= 64)))
      return undefined;
    if (
      !(
        sdpMLineIndex === null ||
        sdpMLineIndex === undefined ||
        (Number.isInteger(sdpMLineIndex) &&
          (sdpMLineIndex as number) >= 0 &&
          (sdpMLineIndex as number) < 1024)
      )
    )
      return undefined;
    return {
      kind: 'candidate',
      candidate,
      sdpMid: (sdpMid as string | null | undefined) ?? null,
      sdpMLineIndex: (sdpMLineIndex as number | null | undefined) ?? null,
    };
  }
  return undefined;
}
