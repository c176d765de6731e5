// Path 4: contact request to a key found on a keyshare, Noise IK (docs/protocol.md Part 2, 2.14). The
// caller knows the callee's static key; the callee learns the caller's from the first message and its
// Ed25519 identity from CONFIRM, then its user accepts or declines the open session.
import { utf8 } from '../crypto/bytes.ts';
import { blake2b } from '../crypto/sodium.ts';
import { encodeBase64url, type Frame, PairingPath } from '../envelope/index.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Session } from '../session/session.ts';
import type { SessionHost } from '../session/types.ts';
import { pathHandshake } from './context.ts';
import { type KnownPeer, startKnownKeyInitiator } from './known.ts';

const INBOX_LABEL = utf8('sealpeer/1 inbox');

/** inbox tag = BLAKE2b-256(key = X25519 public key, "sealpeer/1 inbox"): anyone with the key computes it. */
export function inboxTag(staticPublicKey: Uint8Array): string {
  return encodeBase64url(blake2b([INBOX_LABEL], 32, staticPublicKey));
}

/** The prologue's channel field of a request session (2.14). */
export const inboxContext = (tag: string): string => `in:${tag}`;

export function startRequest(
  host: SessionHost,
  peer: KnownPeer & { clientId: string },
  context: string,
): Session {
  return startKnownKeyInitiator(host, PairingPath.REQUEST, peer, context);
}

/** Callee: the session of a request HELLO that reads with this device's key, or undefined. */
export function answerRequestHello(
  host: SessionHost,
  msg: RelayMessage,
  frame: Frame,
  context: string,
): Session | undefined {
  const hs = pathHandshake(host, {
    path: PairingPath.REQUEST,
    initiator: false,
    peer: msg.from,
    sid: frame.sid,
    context,
  });
  try {
    hs.readMessage(frame.body.slice(1));
  } catch {
    hs.destroy();
    return undefined;
  }
  const session = new Session({
    host,
    sid: frame.sid,
    path: PairingPath.REQUEST,
    role: 'responder',
    state: 'handshaking',
    peer: msg.from,
    hs,
    driver: { helloBody: (m) => m },
  });
  session._acceptedFirstFrame();
  session._continueHandshake();
  return session;
}
