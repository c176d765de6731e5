// The CPACE-RISTR255-SHA512 cipher suite of draft-irtf-cfrg-cpace-21 (§4 cipher suites, §6.2 group
// ristretto255 with SHA-512): generator derivation, scalar sampling and scalar_mult / scalar_mult_vfy,
// on top of @noble/curves' RFC 9496 ristretto255.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { SHA512 } from '../crypto/hash.ts';
import { randomBytes } from '../crypto/sodium.ts';
import { lvCat, prependLen } from './encoding.ts';
import { CpaceError } from './errors.ts';

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
/**
 * A ristretto255 group element as this suite's exported functions take and return it: the part of
 * @noble/curves' point class they use (the class itself is not exported by name, so declarations name this).
 */
export interface GroupElement {
  multiply(scalar: bigint): GroupElement;
  toBytes(): Uint8Array;
}

/** G.DSI for ristretto255 (§6.2). */
export const DSI = utf8('CPaceRistretto255');
/** DSI_ISK = G.DSI || "_ISK" (§6.2 / §7). */
export const DSI_ISK = concatBytes(DSI, utf8('_ISK'));
/** H.s_in_bytes for SHA-512 (its block size, §4). */
const S_IN_BYTES = 128;
/** Encoded point and scalar size. */
export const ELEMENT_BYTES = 32;

/** H.hash(m) with SHA-512 (64 bytes). */
export function hash(...parts: Uint8Array[]): Uint8Array {
  return SHA512.digest(...parts);
}

/**
 * generator_string(DSI, PRS, CI, sid, s_in_bytes) (§6.1 / §3.2): zero padding makes DSI and PRS fill the
 * first hash block when they are short.
 */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpad = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, new Uint8Array(zpad), ci, sid);
}

/**
 * calculate_generator(H, PRS, CI, sid) (§6.2): SHA-512 of the generator string, mapped with RFC 9496's
 * element derivation (one-way map from 64 uniform bytes).
 */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): GroupElement {
  const h = hash(generatorString(prs, ci, sid));
  return ristretto255_hasher.deriveToCurve!(h);
}

/** sample_scalar() (§6.2): a uniformly random non-zero scalar, as 32 little-endian bytes. */
export function sampleScalar(): Uint8Array {
  for (;;) {
    const s = Point.Fn.create(bytesToNumberLE(randomBytes(64)));
    if (s !== 0n) return numberToBytesLE(s, ELEMENT_BYTES);
  }
}

function scalarOf(s: Uint8Array): bigint {
  if (!(s instanceof Uint8Array) || s.length !== ELEMENT_BYTES)
    throw new CpaceError('bad_input', 'scalar must be 32 bytes');
  const n = Point.Fn.create(bytesToNumberLE(s));
  if (n === 0n) throw new CpaceError('bad_input', 'scalar must not be zero');
  return n;
}

/** scalar_mult(y, g): encoding of y * g (§6.2). */
export function scalarMult(scalar: Uint8Array, g: GroupElement): Uint8Array {
  return g.multiply(scalarOf(scalar)).toBytes();
}

/**
 * scalar_mult_vfy(y, X) (§6.2): decode X (RFC 9496 §4.3.1, canonical encodings only), multiply, and
 * refuse the identity. Throws `invalid_point` for an undecodable X or an identity result.
 */
export function scalarMultVfy(scalar: Uint8Array, encoded: Uint8Array): Uint8Array {
  const y = scalarOf(scalar);
  if (!(encoded instanceof Uint8Array) || encoded.length !== ELEMENT_BYTES)
    throw new CpaceError('invalid_point', 'point must be 32 bytes');
  let X: RistrettoPoint;
  try {
    X = Point.fromBytes(encoded);
  } catch {
    throw new CpaceError('invalid_point', 'not a canonical ristretto255 encoding');
  }
  const K = X.multiply(y);
  if (K.is0()) throw new CpaceError('invalid_point', 'the identity element is not a valid share');
  return K.toBytes();
}
