// Handshake context shared by all pairing paths (docs/protocol.md Part 2, 2.3 and 2.7).
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { blake2b } from '../crypto/sodium.ts';
import { PairingPath, type PairingPathValue } from '../envelope/frame.ts';
import { lenPrefixed } from '../envelope/keys.ts';
import { HandshakeState } from '../noise/index.ts';
import type { SessionHost } from '../session/types.ts';

export const PROTOCOL_NAMES: Record<PairingPathValue, string> = {
  [PairingPath.INVITE]: 'Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b',
  [PairingPath.CODE]: 'Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b',
  [PairingPath.KNOWN]: 'Noise_KK_25519_ChaChaPoly_BLAKE2b',
  [PairingPath.REQUEST]: 'Noise_IK_25519_ChaChaPoly_BLAKE2b',
};

export interface PrologueInput {
  path: PairingPathValue;
  channelId: string;
  initiatorClientId: string;
  responderClientId: string;
  sid: Uint8Array;
  /** Path 1 only. */
  inviteId?: Uint8Array;
}

const PROLOGUE_LABEL = utf8('sealpeer/1 prologue');

/** prologue = label ‖ path ‖ len‖channelId ‖ len‖initiator ‖ len‖responder ‖ sid ‖ inviteId? */
export function prologue(p: PrologueInput): Uint8Array {
  return concatBytes(
    PROLOGUE_LABEL,
    new Uint8Array([p.path]),
    lenPrefixed(p.channelId),
    lenPrefixed(p.initiatorClientId),
    lenPrefixed(p.responderClientId),
    p.sid,
    p.path === PairingPath.INVITE && p.inviteId ? p.inviteId : new Uint8Array(0),
  );
}

/** inviteId = BLAKE2b-128(key = secret, "sealpeer/1 invite id"). */
export function inviteIdOf(secret: Uint8Array): Uint8Array {
  return blake2b([utf8('sealpeer/1 invite id')], 16, secret);
}

/** Noise psk of an invite = BLAKE2b-256(key = secret, "sealpeer/1 invite psk"). */
export function invitePsk(secret: Uint8Array): Uint8Array {
  return blake2b([utf8('sealpeer/1 invite psk')], 32, secret);
}

/** CONFIRM signature input: label ‖ role ‖ handshake hash ‖ sender's X25519 static. */
export function confirmTranscript(
  senderIsInitiator: boolean,
  handshakeHash: Uint8Array,
  senderStatic: Uint8Array,
): Uint8Array {
  return concatBytes(
    utf8('sealpeer/1 confirm'),
    new Uint8Array([senderIsInitiator ? 1 : 2]),
    handshakeHash,
    senderStatic,
  );
}

/**
 * The HandshakeState of one pairing path for this device (2.3, 2.7): protocol name and prologue from the
 * path, local static key from the host; `rs` / `psk` as the path needs them.
 */
export function pathHandshake(
  host: SessionHost,
  o: {
    path: PairingPathValue;
    initiator: boolean;
    peer: string;
    sid: Uint8Array;
    inviteId?: Uint8Array;
    rs?: Uint8Array;
    psk?: Uint8Array;
    /** Replaces the channelId in the prologue: `rv:<tag>` for a rendezvous session (2.13). */
    context?: string;
  },
): HandshakeState {
  return new HandshakeState({
    protocolName: PROTOCOL_NAMES[o.path],
    initiator: o.initiator,
    prologue: prologue({
      path: o.path,
      channelId: o.context ?? host.channelId,
      initiatorClientId: o.initiator ? host.clientId : o.peer,
      responderClientId: o.initiator ? o.peer : host.clientId,
      sid: o.sid,
      inviteId: o.inviteId,
    }),
    s: host.local.staticKeyPair,
    ...(o.rs ? { rs: o.rs } : {}),
    ...(o.psk ? { psks: [o.psk] } : {}),
  });
}
