// Key-change review messages (docs/protocol.md 2.13): sealed APP messages that tell the peer its new key
// is held for review, and when it is accepted, so that its app can say "waiting for the peer to review
// your new key" instead of "connecting…" forever. They carry no secret and decide nothing: a peer that
// lies about them only changes what its own contact is told while it waits.

export type ReviewKind = 'review' | 'accepted';

/** Longest review message we read (the real ones are 14 and 16 bytes). */
const MAX_BYTES = 64;

/** The UTF-8 JSON of one review message: `{"t":"review"}` or `{"t":"accepted"}`. */
export function reviewMessage(kind: ReviewKind): string {
  return JSON.stringify({ t: kind });
}

/** The review kind of an APP message, or undefined for anything else (left to other handlers). */
export function parseReview(data: Uint8Array): ReviewKind | undefined {
  if (!(data instanceof Uint8Array) || data.length > MAX_BYTES) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const t = (v as Record<string, unknown>).t;
  return t === 'review' || t === 'accepted' ? t : undefined;
}
