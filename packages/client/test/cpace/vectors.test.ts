// draft-irtf-cfrg-cpace-21 test vectors for CPACE-RISTR255-SHA512 (G_Coffee25519 and
// G_Coffee25519_points in ../shared/vectors/cpace/testvectors.json), every value checked and counted.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import {
  calculateGenerator,
  cpaceInit,
  generatorString,
  scalarMult,
  scalarMultVfy,
} from '../../src/cpace/index.ts';
import { fromHex, toHex } from '../../src/crypto/bytes.ts';
import { SHA512 } from '../../src/crypto/hash.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { codeOf } from '../crypto/error-code.ts';

const doc = loadVectorJson('cpace', 'testvectors.json') as Record<string, unknown>;

function field(obj: unknown, name: string): Uint8Array {
  const v = (obj as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string') throw new Error(`cpace vector field ${name} missing`);
  return fromHex(v);
}

const main = doc.G_Coffee25519;
const points = doc.G_Coffee25519_points as Record<string, unknown> | undefined;
if (typeof main !== 'object' || main === null || typeof points !== 'object' || points === null)
  throw new Error('ristretto255 CPace vectors missing');

const v = {
  prs: field(main, 'PRS'),
  ci: field(main, 'CI'),
  sid: field(main, 'sid'),
  g: field(main, 'g'),
  ya: field(main, 'ya'),
  ADa: field(main, 'ADa'),
  Ya: field(main, 'Ya'),
  yb: field(main, 'yb'),
  ADb: field(main, 'ADb'),
  Yb: field(main, 'Yb'),
  K: field(main, 'K'),
  ISK_IR: field(main, 'ISK_IR'),
  ISK_SY: field(main, 'ISK_SY'),
  sid_output_ir: field(main, 'sid_output_ir'),
  sid_output_oc: field(main, 'sid_output_oc'),
};

let checks = 0;
const same = (got: Uint8Array, want: Uint8Array, what: string) => {
  expect(toHex(got), what).toBe(toHex(want));
  checks++;
};

describe('CPace ristretto255 / SHA-512 vectors (draft -21)', () => {
  beforeAll(async () => {
    await ready();
  });

  it('G_Coffee25519: generator, Ya, Yb, K, ISK (IR and symmetric) and sid_output (IR and oc)', () => {
    const g = calculateGenerator(v.prs, v.ci, v.sid);
    same(g.toBytes(), v.g, 'g');
    // The generator string is lv_cat(DSI, PRS, zpad, CI, sid), exactly one SHA-512 block + CI + sid here.
    expect(generatorString(v.prs, v.ci, v.sid).length).toBe(128 + v.ci.length + 1 + v.sid.length + 1);
    same(scalarMultVfy(v.ya, v.Yb), v.K, 'K = ya * Yb');
    same(scalarMultVfy(v.yb, v.Ya), v.K, 'K = yb * Ya');

    const modes = [
      { roles: ['initiator', 'responder'] as const, isk: v.ISK_IR, sidOut: v.sid_output_ir },
      { roles: ['symmetric', 'symmetric'] as const, isk: v.ISK_SY, sidOut: v.sid_output_oc },
    ];
    for (const m of modes) {
      const a = cpaceInit({ prs: v.prs, ci: v.ci, sid: v.sid, ad: v.ADa, role: m.roles[0], scalar: v.ya });
      const b = cpaceInit({ prs: v.prs, ci: v.ci, sid: v.sid, ad: v.ADb, role: m.roles[1], scalar: v.yb });
      // Network encoding: MSGa = lv_cat(Ya, ADa), MSGb = lv_cat(Yb, ADb).
      same(a.message.slice(1, 33), v.Ya, 'Ya');
      same(b.message.slice(1, 33), v.Yb, 'Yb');
      expect(a.message[0]).toBe(32);
      const ra = a.finishDetailed(b.message);
      const rb = b.finishDetailed(a.message);
      same(ra.isk, m.isk, `ISK ${m.roles[0]}`);
      same(rb.isk, m.isk, `ISK ${m.roles[1]}`);
      same(ra.sidOutput, m.sidOut, 'sid_output a');
      same(rb.sidOutput, m.sidOut, 'sid_output b');
      same(ra.peerAd, v.ADb, 'ADb as received');
    }
    // Reference check of the ISK formula with independent concatenation (draft §7.1).
    const lv = (b: Uint8Array) => [b.length, ...b];
    const ref = SHA512.digest(
      Uint8Array.from([
        ...lv(new TextEncoder().encode('CPaceRistretto255_ISK')),
        ...lv(v.sid),
        ...lv(v.K),
        ...lv(v.Ya),
        ...lv(v.ADa),
        ...lv(v.Yb),
        ...lv(v.ADb),
      ]),
    );
    same(ref, v.ISK_IR, 'ISK_IR by the reference formula');
  });

  it('G_Coffee25519_points: the valid multiplication, and both invalid encodings refused', () => {
    const valid = points.Valid;
    same(scalarMultVfy(field(valid, 's'), field(valid, 'X')), field(valid, 'G.scalar_mult_vfy(s,X)'), 'vfy');
    const X = ristretto255.Point.fromBytes(field(valid, 'X'));
    same(scalarMult(field(valid, 's'), X), field(valid, 'G.scalar_mult(s,decode(X))'), 'mult');
    let invalid = 0;
    for (const [name, value] of Object.entries(points)) {
      if (!name.startsWith('Invalid')) continue;
      expect(typeof value).toBe('string');
      expect(
        codeOf(() => scalarMultVfy(field(valid, 's'), fromHex(value as string))),
        name,
      ).toBe('invalid_point');
      invalid++;
      checks++;
    }
    expect(invalid).toBe(2);
  });

  it('counted', () => {
    console.log(`cpace ristretto255 vector checks: ${checks} (G_Coffee25519 + G_Coffee25519_points)`);
    expect(checks).toBeGreaterThanOrEqual(20);
  });
});
