// Inner messages of SEALED frames (docs/protocol.md 2.5): kind (1) ‖ content.
export const InnerKind = {
  CONFIRM: 0x01,
  APP: 0x02,
  OFFER: 0x03,
  ANSWER: 0x04,
  CANDIDATE: 0x05,
  END_OF_CANDIDATES: 0x06,
  RENEGOTIATE: 0x07,
  BYE: 0x08,
  /** Sealed ending after a refusal: content = reason byte (2.7). */
  ABORT: 0x09,
} as const;
export type InnerKindValue = (typeof InnerKind)[keyof typeof InnerKind];

export interface Inner {
  kind: InnerKindValue;
  content: Uint8Array;
}

const KINDS = new Set<number>(Object.values(InnerKind));

export function encodeInner(i: Inner): Uint8Array {
  const out = new Uint8Array(1 + i.content.length);
  out[0] = i.kind;
  out.set(i.content, 1);
  return out;
}

/** undefined for an empty message or an unknown kind. */
export function decodeInner(b: Uint8Array): Inner | undefined {
  if (b.length < 1 || !KINDS.has(b[0]!)) return undefined;
  return { kind: b[0] as InnerKindValue, content: b.slice(1) };
}
