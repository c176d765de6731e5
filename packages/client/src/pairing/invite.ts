// Path 1: QR invite, Noise IKpsk2 (docs/protocol.md Part 2, 2.7). The scanner is the initiator and knows
// the inviter's static key from the invite; the psk comes from the invite's one-time secret.
import { concatBytes } from '../crypto/bytes.ts';
import { randomBytes } from '../crypto/sodium.ts';
import { type Frame, PairingPath } from '../envelope/frame.ts';
import { INVITE_TTL_MS, type InvitePayload, inviteUri } from '../invite/payload.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Session } from '../session/session.ts';
import type { SessionHost } from '../session/types.ts';
import { inviteIdOf, invitePsk, pathHandshake } from './context.ts';

/** An invite this device issued and still answers (until used or expired). */
export interface IssuedInvite {
  payload: InvitePayload;
  uri: string;
  inviteId: Uint8Array;
  used: boolean;
}

export function issueInvite(
  host: SessionHost,
  o: { server: string; appOrigin?: string; ttlMs?: number; nowMs?: number },
): IssuedInvite {
  const ttl = o.ttlMs ?? INVITE_TTL_MS;
  const payload: InvitePayload = {
    staticKey: host.local.staticKeyPair.publicKey,
    identityKey: host.local.publicIdentity.ed25519,
    secret: randomBytes(32),
    expiresAt: Math.floor(((o.nowMs ?? Date.now()) + ttl) / 1000),
    channelId: host.channelId,
    clientId: host.clientId,
    server: o.server,
  };
  return {
    payload,
    uri: inviteUri(o.appOrigin ?? o.server, payload),
    inviteId: inviteIdOf(payload.secret),
    used: false,
  };
}

const HELLO_PREFIX = 1 + 16;

/** Scanner side: builds the session and sends HELLO(path 1). */
export function startInviteScan(host: SessionHost, invite: InvitePayload): Session {
  const sid = randomBytes(16);
  const inviteId = inviteIdOf(invite.secret);
  const hs = pathHandshake(host, {
    path: PairingPath.INVITE,
    initiator: true,
    peer: invite.clientId,
    sid,
    inviteId,
    rs: invite.staticKey,
    psk: invitePsk(invite.secret),
  });
  const session = new Session({
    host,
    sid,
    path: PairingPath.INVITE,
    role: 'initiator',
    state: 'handshaking',
    peer: invite.clientId,
    hs,
    expectedIdentityKey: invite.identityKey,
    driver: { helloBody: (m) => concatBytes(new Uint8Array([PairingPath.INVITE]), inviteId, m) },
  });
  session._startInitiator();
  return session;
}

/** Inviter side: the inviteId a HELLO(path 1) names, or undefined when the body is too short. */
export function helloInviteId(frame: Frame): Uint8Array | undefined {
  return frame.body.length > HELLO_PREFIX ? frame.body.slice(1, HELLO_PREFIX) : undefined;
}

/** Inviter side: answers a HELLO for a valid, unused invite (the caller checked and marked it). */
export function answerInviteHello(
  host: SessionHost,
  invite: IssuedInvite,
  msg: RelayMessage,
  frame: Frame,
): Session {
  const hs = pathHandshake(host, {
    path: PairingPath.INVITE,
    initiator: false,
    peer: msg.from,
    sid: frame.sid,
    inviteId: invite.inviteId,
    psk: invitePsk(invite.payload.secret),
  });
  const session = new Session({
    host,
    sid: frame.sid,
    path: PairingPath.INVITE,
    role: 'responder',
    state: 'handshaking',
    peer: msg.from,
    hs,
    driver: { helloBody: (m) => m },
  });
  session._acceptedFirstFrame();
  try {
    hs.readMessage(frame.body.slice(HELLO_PREFIX));
    session._continueHandshake();
  } catch (e) {
    session._fail('handshake_failed', (e as Error).message);
  }
  return session;
}
