// "Hide my IP address" (docs/threat-model.md, What a peer learns): with it on, the app's RTCPeerConnection
// gathers TURN relay candidates only (iceTransportPolicy 'relay'), and, in case a browser gathers more
// anyway, nothing but relay candidates leaves this device: outgoing ICE candidates and the `a=candidate`
// lines of outgoing SDP that are not `typ relay` are withheld, the related address of a relay candidate
// (raddr/rport: the address the TURN server saw this device at) is zeroed as browsers do under the relay
// policy, and the `c=` / `a=rtcp` connection addresses are set to the unspecified address (RFC 8839 §4.2.1:
// ICE ignores them when candidates exist). Candidate grammar: RFC 8839 §5.1.
import type { Signal } from './signals.ts';

/**
 * A candidate attribute value (`candidate:…`, with or without the `a=` prefix) rewritten for sending, or
 * null when it must be withheld: anything that is not a well-formed `typ relay` candidate.
 */
export function relayOnlyCandidate(candidate: string): string | null {
  const prefix = candidate.startsWith('a=') ? 'a=' : '';
  const t = candidate.slice(prefix.length).trim().split(/\s+/);
  // candidate:<foundation> <component-id> <transport> <priority> <address> <port> typ <cand-type> …
  if (t.length < 8 || !t[0]!.startsWith('candidate:') || t[6] !== 'typ' || t[7] !== 'relay') return null;
  for (let i = 8; i + 1 < t.length; i += 2) {
    if (t[i] === 'raddr') t[i + 1] = t[i + 1]!.includes(':') ? '::' : '0.0.0.0';
    else if (t[i] === 'rport') t[i + 1] = '0';
  }
  return prefix + t.join(' ');
}

/** An SDP with only relay candidates, relay candidates' related addresses zeroed, no connection address. */
export function relayOnlySdp(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('a=candidate:')) {
      const kept = relayOnlyCandidate(line);
      if (kept !== null) out.push(kept);
    } else if (/^c=IN IP4 /.test(line)) out.push('c=IN IP4 0.0.0.0');
    else if (/^c=IN IP6 /.test(line)) out.push('c=IN IP6 ::');
    else if (/^a=rtcp:\d+ IN IP4 /.test(line)) out.push('a=rtcp:9 IN IP4 0.0.0.0');
    else if (/^a=rtcp:\d+ IN IP6 /.test(line)) out.push('a=rtcp:9 IN IP6 ::');
    else out.push(line);
  }
  return out.join(eol);
}

/** An outgoing WebRTC signal as relay-only sends it, or null when it must be withheld. */
export function relayOnlySignal(s: Signal): Signal | null {
  if (s.kind === 'candidate') {
    const candidate = relayOnlyCandidate(s.candidate);
    return candidate === null ? null : { ...s, candidate };
  }
  if (s.kind === 'end-of-candidates') return s;
  return { kind: s.kind, sdp: relayOnlySdp(s.sdp) };
}
