// How a load generator reaches each relay under test: the URL a client opens, the frame it logs in
// with (if any), the frame that says it is ready, and how a message to a peer is framed.

export type TargetKind = 'sealpeer' | 'ws' | 'peerjs';

export interface ClientSpec {
  /** WebSocket URL this client opens. */
  url: string;
  /** Name other clients address it by (`to` / `dst`). */
  id: string;
  /** Frame sent right after the socket opens (sealpeer's login). */
  hello?: string;
  /** A substring of the frame that says the client may send (login_ok, OPEN); none = ready on open. */
  readyMarker?: string;
  /** Local source address (127.0.0.x) to spread connections over. */
  localAddress?: string;
}

/** JSON text that precedes / follows the payload string in a frame addressed to `to`. */
export function frameParts(kind: TargetKind, to: string): { head: string; tail: string } {
  const dst = JSON.stringify(to);
  if (kind === 'peerjs') return { head: `{"type":"OFFER","dst":${dst},"payload":"`, tail: '"}' };
  return { head: `{"type":"send","to":${dst},"data":"`, tail: '"}' };
}

/** Source address number i of `spread` loopback addresses (127.0.0.2 ...); loopback only. */
export function loopbackAddress(i: number, spread: number): string | undefined {
  if (spread <= 1) return undefined;
  const n = 2 + (i % spread);
  return `127.0.${Math.floor(n / 256)}.${n % 256}`;
}
