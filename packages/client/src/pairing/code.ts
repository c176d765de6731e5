// Path 2: short code, CPace (ristretto255) then Noise XXpsk3 (docs/protocol.md Part 2, 2.7).
// Code = "NNN-DDDDDD": a public nameplate that finds the shower in the channel, and 6 secret digits.
// A shower answers one PAKE1 per code (one online guess); CPace allows no offline guessing.

import { cpaceInit, deriveNoisePsk } from '../cpace/index.ts';
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { randomBytes } from '../crypto/sodium.ts';
import { type Frame, PairingPath } from '../envelope/frame.ts';
import { lenPrefixed } from '../envelope/keys.ts';
import { SessionError } from '../errors/client-errors.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Session } from '../session/session.ts';
import type { SessionHost } from '../session/types.ts';
import { pathHandshake } from './context.ts';

export interface ShortCode {
  /** As shown and typed: "NNN-DDDDDD". */
  code: string;
  nameplate: number;
}

const CODE_RE = /^\s*(\d{3})[\s-]?(\d{6})\s*$/;
export const PSK_LABEL = 'sealpeer/1 XXpsk3 psk';

/** Uniform random integer below `n` (< 2^32) by rejection sampling. */
function randomBelow(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = randomBytes(4);
    const v = new DataView(b.buffer).getUint32(0);
    if (v < limit) return v % n;
  }
}

export function generateCode(): ShortCode {
  const nameplate = randomBelow(1000);
  const secret = randomBelow(1_000_000);
  return {
    code: `${String(nameplate).padStart(3, '0')}-${String(secret).padStart(6, '0')}`,
    nameplate,
  };
}

/** Parses "NNN-DDDDDD" (a space or nothing may replace the dash); throws SessionError bad_argument. */
export function parseCode(input: string): ShortCode {
  const m = typeof input === 'string' ? CODE_RE.exec(input) : null;
  if (!m) throw new SessionError('bad_argument', 'a code looks like 123-456789');
  return { code: `${m[1]}-${m[2]}`, nameplate: Number(m[1]) };
}

function cpaceParams(host: SessionHost, code: string, sid: Uint8Array) {
  return {
    prs: utf8(`sealpeer/1 code ${code}`),
    ci: concatBytes(utf8('sealpeer/1 code'), lenPrefixed(host.channelId)),
    sid,
    ad: new Uint8Array(0),
  };
}

function xx(host: SessionHost, initiator: boolean, peer: string, sid: Uint8Array, psk: Uint8Array) {
  return pathHandshake(host, { path: PairingPath.CODE, initiator, peer, sid, psk });
}

/** Joiner: publishes PAKE1; the first PAKE2 on this sid binds the peer and starts XXpsk3. */
export function startCodeJoin(host: SessionHost, sc: ShortCode): Session {
  const sid = randomBytes(16);
  const cp = cpaceInit({ ...cpaceParams(host, sc.code, sid), role: 'initiator' });
  let session: Session;
  session = new Session({
    host,
    sid,
    path: PairingPath.CODE,
    role: 'initiator',
    state: 'pake',
    driver: {
      helloBody: (m) => concatBytes(new Uint8Array([PairingPath.CODE]), m),
      onPake2: (body) => {
        const psk = deriveNoisePsk(cp.finish(body), PSK_LABEL);
        return xx(host, true, session.peerClientId!, sid, psk);
      },
    },
  });
  const np = new Uint8Array(2);
  new DataView(np.buffer).setUint16(0, sc.nameplate);
  session._startInitiator(concatBytes(np, cp.message));
  return session;
}

/** Nameplate named by a PAKE1 body. */
export function pake1Nameplate(frame: Frame): number {
  return new DataView(frame.body.buffer, frame.body.byteOffset, 2).getUint16(0);
}

/** Shower: answers the PAKE1 for its code with PAKE2 and waits for the joiner's HELLO. */
export function answerPake1(host: SessionHost, sc: ShortCode, msg: RelayMessage, frame: Frame): Session {
  const cp = cpaceInit({ ...cpaceParams(host, sc.code, frame.sid), role: 'responder' });
  const session = new Session({
    host,
    sid: frame.sid,
    path: PairingPath.CODE,
    role: 'responder',
    state: 'await-hello',
    peer: msg.from,
    driver: { helloBody: (m) => m },
  });
  session._acceptedFirstFrame();
  try {
    const psk = deriveNoisePsk(cp.finish(frame.body.slice(2)), PSK_LABEL);
    session._setHandshake(xx(host, false, msg.from, frame.sid, psk));
    session._sendPake2(cp.message);
  } catch (e) {
    session._fail('handshake_failed', (e as Error).message);
  }
  return session;
}
