// The CPace protocol flow of draft-irtf-cfrg-cpace-21 §7 (initiator-responder and symmetric modes)
// for the CPACE-RISTR255-SHA512 suite, as a one-shot state machine: init -> finish -> done,
// with a terminal `failed` state.
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { blake2b, constantTimeEqual } from '../crypto/sodium.ts';
import { lvCat, oCat, parseLvCat } from './encoding.ts';
import { CpaceError } from './errors.ts';
import {
  calculateGenerator,
  DSI_ISK,
  ELEMENT_BYTES,
  hash,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
} from './ristretto255.ts';

/** 'initiator' / 'responder': initiator-responder mode (§7.1); 'symmetric': ordered concatenation (§7.2). */
export type CpaceRole = 'initiator' | 'responder' | 'symmetric';

/** Largest associated data accepted in a peer message (limits on by default). */
export const CPACE_MAX_AD = 1024;
/** Largest PRS / CI / sid accepted locally. */
const MAX_INPUT = 4096;

export interface CpaceOptions {
  /** Password-related string: the short code's canonical bytes. Never sent. */
  prs: Uint8Array;
  /** Channel identifier (bound into the generator, never sent); may be empty. */
  ci: Uint8Array;
  /** Session id both sides agreed on beforehand (bound into generator and ISK); may be empty. */
  sid: Uint8Array;
  /** This side's associated data, sent in clear with Y (ADa / ADb); may be empty. */
  ad: Uint8Array;
  role: CpaceRole;
  /** Fixed secret scalar (32 bytes little-endian): for test vectors only. */
  scalar?: Uint8Array;
}

export interface CpaceResult {
  /** The intermediate session key ISK (64 bytes). */
  isk: Uint8Array;
  /** The peer's associated data as received (authenticated by the ISK only once the ISK is used). */
  peerAd: Uint8Array;
  /** sid_output (§7.3): a session id both sides derive from the transcript, for when no sid was agreed. */
  sidOutput: Uint8Array;
}

export interface CpaceSession {
  /** This side's message, MSG = lv_cat(Y, AD) (§7), to send to the peer. */
  readonly message: Uint8Array;
  /**
   * Processes the peer's message and returns the 64-byte ISK. Throws CpaceError: `bad_message` (not
   * exactly lv_cat(Y, AD)), `invalid_point` (Y invalid or identity), `bad_state` (called again).
   * A wrong short code does NOT fail here: both sides get different ISKs, and the first use of the key
   * (the Noise XXpsk3 handshake keyed by deriveNoisePsk) fails. Each run is one online guess.
   */
  finish(peerMessage: Uint8Array): Uint8Array;
  /** Like finish(), returning the ISK together with the peer's AD and sid_output. */
  finishDetailed(peerMessage: Uint8Array): CpaceResult;
}

function input(what: string, v: unknown, max: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new CpaceError('bad_input', `${what} must be a Uint8Array`);
  if (v.length > max) throw new CpaceError('bad_input', `${what} is longer than ${max} bytes`);
  return v.slice();
}

/** transcript_ir(Ya, ADa, Yb, ADb) / transcript_oc(...) (§7.1, §7.2). */
function transcript(role: CpaceRole, mine: Uint8Array, theirs: Uint8Array): Uint8Array {
  if (role === 'symmetric') return oCat(mine, theirs);
  return role === 'initiator' ? concatBytes(mine, theirs) : concatBytes(theirs, mine);
}

/**
 * Starts one CPace run (draft-irtf-cfrg-cpace-21, CPACE-RISTR255-SHA512).
 *
 * ```ts
 * await ready();
 * const a = cpaceInit({ prs: utf8('493817'), ci, sid, ad: utf8('A'), role: 'initiator' });
 * const b = cpaceInit({ prs: utf8('493817'), ci, sid, ad: utf8('B'), role: 'responder' });
 * // exchange a.message and b.message over the relay, then:
 * const iskA = a.finish(b.message); // equals b.finish(a.message) iff both used the same prs/ci/sid
 * const psk = deriveNoisePsk(iskA, 'sealpeer short-code XXpsk3');
 * ```
 *
 * Both sides must agree on `ci` and `sid` (and, in initiator-responder mode, on who is the initiator);
 * `ad` is sent in clear. Each session object computes its ISK once; a second finish() is `bad_state`.
 */
export function cpaceInit(o: CpaceOptions): CpaceSession {
  if (typeof o !== 'object' || o === null) throw new CpaceError('bad_input', 'options required');
  if (o.role !== 'initiator' && o.role !== 'responder' && o.role !== 'symmetric')
    throw new CpaceError('bad_input', "role must be 'initiator', 'responder' or 'symmetric'");
  const prs = input('prs', o.prs, MAX_INPUT);
  if (prs.length === 0) throw new CpaceError('bad_input', 'prs must not be empty');
  const ci = input('ci', o.ci, MAX_INPUT);
  const sid = input('sid', o.sid, MAX_INPUT);
  const ad = input('ad', o.ad, CPACE_MAX_AD);
  const role = o.role;
  let y: Uint8Array | undefined = o.scalar === undefined ? sampleScalar() : input('scalar', o.scalar, 32);
  if (y.length !== ELEMENT_BYTES) throw new CpaceError('bad_input', 'scalar must be 32 bytes');

  const g = calculateGenerator(prs, ci, sid);
  prs.fill(0);
  const Y = scalarMult(y, g);
  const message = lvCat(Y, ad);
  let state: 'waiting' | 'done' | 'failed' = 'waiting';

  const finishDetailed = (peerMessage: Uint8Array): CpaceResult => {
    if (state !== 'waiting' || !y) throw new CpaceError('bad_state', `CPace session is ${state}`);
    try {
      if (!(peerMessage instanceof Uint8Array)) throw new CpaceError('bad_message', 'message must be bytes');
      const [peerY, peerAd] = parseLvCat(peerMessage, 2, Math.max(ELEMENT_BYTES, CPACE_MAX_AD));
      if (peerY!.length !== ELEMENT_BYTES) throw new CpaceError('invalid_point', 'Y must be 32 bytes');
      // A reflected share (our own Y sent back, e.g. by a relay) is refused rather than keyed.
      if (constantTimeEqual(peerY!, Y))
        throw new CpaceError('bad_message', 'the peer sent back our own share');
      const K = scalarMultVfy(y, peerY!);
      const t = transcript(role, message, lvCat(peerY!, peerAd!));
      const isk = hash(lvCat(DSI_ISK, sid, K), t);
      K.fill(0);
      state = 'done';
      return { isk, peerAd: peerAd!, sidOutput: hash(utf8('CPaceSidOutput'), t) };
    } catch (err) {
      state = 'failed';
      throw err;
    } finally {
      y.fill(0);
      y = undefined;
    }
  };
  return { message, finishDetailed, finish: (m) => finishDetailed(m).isk };
}

/**
 * Derives the 32-byte Noise psk from a CPace ISK, bound to its purpose by `label`:
 * BLAKE2b-256 keyed with the ISK over "sealpeer/cpace-psk/v1" || lv_cat(label).
 * Distinct labels give independent keys; use one label per use (e.g. 'short-code XXpsk3').
 */
export function deriveNoisePsk(isk: Uint8Array, label: string): Uint8Array {
  if (!(isk instanceof Uint8Array) || isk.length !== 64)
    throw new CpaceError('bad_input', 'ISK must be 64 bytes');
  if (typeof label !== 'string' || label.length === 0 || label.length > 64)
    throw new CpaceError('bad_input', 'label must be a non-empty string of at most 64 characters');
  return blake2b([utf8('sealpeer/cpace-psk/v1'), lvCat(utf8(label))], 32, isk);
}
