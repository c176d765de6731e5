// Path 2: short code, CPace (ristretto255) then Noise XXpsk3 (docs/protocol.md Part 2, 2.7).
// Code = "NNN-DDDDDD": a public nameplate that finds the shower in the channel, and 6 secret digits.
// Every answered PAKE1 is one online guess (bounds: ./code-gate.ts); CPace allows no offline guessing.
// The shower's PAKE2 carries a key confirmation tag, so the joiner binds only a peer that knows the code,
// and both continue under sid' derived from the ISK, which nobody else saw.

import { cpaceInit, deriveNoisePsk, sampleScalar } from '../cpace/index.ts';
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { blake2b, constantTimeEqual, randomBytes } from '../crypto/sodium.ts';
import { type Frame, PairingPath } from '../envelope/frame.ts';
import { lenPrefixed } from '../envelope/keys.ts';
import { SessionError } from '../errors/client-errors.ts';
import type { RelayMessage } from '../relay/connection.ts';
import { Session } from '../session/session.ts';
import type { SessionHost } from '../session/types.ts';
import { Pake2Checks } from './code-gate.ts';
import { pathHandshake } from './context.ts';

export interface ShortCode {
  /** As shown and typed: "NNN-DDDDDD". */
  code: string;
  nameplate: number;
}

const CODE_RE = /^\s*(\d{3})[\s-]?(\d{6})\s*$/;
export const PSK_LABEL = 'sealpeer/1 XXpsk3 psk';
const CPACE_MSG_BYTES = 34;
export const PAKE2_TAG_BYTES = 32;

/** tag = BLAKE2b-256(key = ISK, "sealpeer/1 code pake2 tag"): the shower's key confirmation (2.7). */
export function pake2Tag(isk: Uint8Array): Uint8Array {
  return blake2b([utf8('sealpeer/1 code pake2 tag')], PAKE2_TAG_BYTES, isk);
}

/** sid' = BLAKE2b-128(key = ISK, "sealpeer/1 code session id"): the session's id after CPace (2.7). */
export function codeSessionId(isk: Uint8Array): Uint8Array {
  return blake2b([utf8('sealpeer/1 code session id')], 16, isk);
}

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

/**
 * Joiner: publishes PAKE1; a PAKE2 binds its sender only when its tag verifies (at most one PAKE2 per
 * sender and MAX_PAKE2_PER_ATTEMPT in all are checked); then XXpsk3 runs under sid'.
 */
export function startCodeJoin(host: SessionHost, sc: ShortCode): Session {
  const sid = randomBytes(16);
  // The scalar is kept until a PAKE2 verifies, so that each checked PAKE2 gets a fresh CPace finish.
  const scalar = sampleScalar();
  const first = cpaceInit({ ...cpaceParams(host, sc.code, sid), role: 'initiator', scalar: scalar.slice() });
  const checks = new Pake2Checks();
  const session = new Session({
    host,
    sid,
    path: PairingPath.CODE,
    role: 'initiator',
    state: 'pake',
    driver: {
      helloBody: (m) => concatBytes(new Uint8Array([PairingPath.CODE]), m),
      onPake2: (body, from) => {
        const limited = checks.take(from);
        if (limited) return { drop: 'unexpected_type', detail: limited };
        let isk: Uint8Array;
        try {
          isk = cpaceInit({
            ...cpaceParams(host, sc.code, sid),
            role: 'initiator',
            scalar: scalar.slice(),
          }).finish(body.slice(0, CPACE_MSG_BYTES));
        } catch (e) {
          return { drop: 'handshake_failed', detail: `PAKE2: ${(e as Error).message}` };
        }
        if (!constantTimeEqual(pake2Tag(isk), body.slice(CPACE_MSG_BYTES)))
          return { drop: 'handshake_failed', detail: 'PAKE2 key confirmation does not verify' };
        scalar.fill(0);
        const sid2 = codeSessionId(isk);
        const psk = deriveNoisePsk(isk, PSK_LABEL);
        isk.fill(0);
        return { hs: xx(host, true, from, sid2, psk), sid: sid2 };
      },
    },
  });
  const np = new Uint8Array(2);
  new DataView(np.buffer).setUint16(0, sc.nameplate);
  session._startInitiator(concatBytes(np, first.message));
  session.once('close', () => scalar.fill(0));
  return session;
}

/** Nameplate named by a PAKE1 body. */
export function pake1Nameplate(frame: Frame): number {
  return new DataView(frame.body.buffer, frame.body.byteOffset, 2).getUint16(0);
}

/**
 * Shower: answers one PAKE1 for its code with PAKE2 (Yb ‖ tag) on the published sid and waits, under
 * sid', for the joiner's HELLO. Undefined when CPace refuses the PAKE1 (nothing is answered).
 */
export function answerPake1(
  host: SessionHost,
  sc: ShortCode,
  msg: RelayMessage,
  frame: Frame,
): Session | undefined {
  const cp = cpaceInit({ ...cpaceParams(host, sc.code, frame.sid), role: 'responder' });
  let isk: Uint8Array;
  try {
    isk = cp.finish(frame.body.slice(2));
  } catch {
    return undefined;
  }
  const sid2 = codeSessionId(isk);
  const session = new Session({
    host,
    sid: sid2,
    path: PairingPath.CODE,
    role: 'responder',
    state: 'await-hello',
    peer: msg.from,
    driver: { helloBody: (m) => m },
  });
  session._acceptedFirstFrame();
  session._setHandshake(xx(host, false, msg.from, sid2, deriveNoisePsk(isk, PSK_LABEL)));
  session._sendPake2(concatBytes(cp.message, pake2Tag(isk)), frame.sid);
  isk.fill(0);
  return session;
}
