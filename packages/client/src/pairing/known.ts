// Path 3: known contact, Noise KK with fresh ephemerals for every session (docs/protocol.md Part 2, 2.7).
// The responder trial-reads the HELLO against each contact it accepts, so no contact hint travels.
import { concatBytes } from '../crypto/bytes.ts';
import { randomBytes } from '../crypto/sodium.ts';
import { type Frame, PairingPath } from '../envelope/frame.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Session } from '../session/session.ts';
import type { SessionHost } from '../session/types.ts';
import { pathHandshake } from './context.ts';

/** A contact whose keys this device already has (trust store or keyshare). */
export interface KnownPeer {
  /** The contact's relay clientId in this channel (initiator side). */
  clientId?: string;
  /** X25519 static public key. */
  staticKey: Uint8Array;
  /** Ed25519 identity public key. */
  identityKey: Uint8Array;
}

function kk(
  host: SessionHost,
  initiator: boolean,
  peer: string,
  sid: Uint8Array,
  rs: Uint8Array,
  context: string | undefined,
) {
  return pathHandshake(host, { path: PairingPath.KNOWN, initiator, peer, sid, rs, context });
}

/**
 * The initiator of a session whose peer static key is already known: path 3 (KK) or path 4 (IK). The
 * HELLO body starts with the path byte; `context` is the prologue's channel field.
 */
export function startKnownKeyInitiator(
  host: SessionHost,
  path: typeof PairingPath.KNOWN | typeof PairingPath.REQUEST,
  peer: KnownPeer & { clientId: string },
  context: string | undefined,
): Session {
  const sid = randomBytes(16);
  const session = new Session({
    host,
    sid,
    path,
    role: 'initiator',
    state: 'handshaking',
    peer: peer.clientId,
    hs: pathHandshake(host, { path, initiator: true, peer: peer.clientId, sid, rs: peer.staticKey, context }),
    expectedIdentityKey: peer.identityKey,
    driver: { helloBody: (m) => concatBytes(new Uint8Array([path]), m) },
  });
  session._startInitiator();
  return session;
}

/** `context`: the prologue's channel field for a rendezvous session (`rv:<tag>`, 2.13). */
export function startKnown(
  host: SessionHost,
  peer: KnownPeer & { clientId: string },
  context?: string,
): Session {
  return startKnownKeyInitiator(host, PairingPath.KNOWN, peer, context);
}

/** Responder: the session for the first contact whose key reads the HELLO, or undefined. */
export function answerKnownHello(
  host: SessionHost,
  contacts: readonly KnownPeer[],
  msg: RelayMessage,
  frame: Frame,
  context?: string,
): Session | undefined {
  const noise = frame.body.slice(1);
  for (const c of contacts) {
    const hs = kk(host, false, msg.from, frame.sid, c.staticKey, context);
    try {
      hs.readMessage(noise);
    } catch {
      hs.destroy();
      continue;
    }
    const session = new Session({
      host,
      sid: frame.sid,
      path: PairingPath.KNOWN,
      role: 'responder',
      state: 'handshaking',
      peer: msg.from,
      hs,
      expectedIdentityKey: c.identityKey,
      driver: { helloBody: (m) => m },
    });
    session._acceptedFirstFrame();
    session._continueHandshake();
    return session;
  }
  return undefined;
}
