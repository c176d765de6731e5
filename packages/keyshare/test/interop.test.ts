// Black-box interop: publish over plain HTTP, look up, and verify the answer with an independent
// implementation written here from the specs — leaf bytes from docs/keyshare.md, RFC 6962 / RFC 9162
// inclusion from test/naive-rfc6962.ts, the C2SP note parsed by hand, key ID and Ed25519 signature
// checked with node:crypto and with @noble/curves directly. No code from src/ or @sealpeer/client's
// verifier is used on the checking side.
import { createHash, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { errorCode, postJson, startTestKeyshare } from './helpers.ts';
import { independentKey } from './independent-keys.ts';
import { mth, naiveLeafHash, proof as naiveProof, naiveVerifyInclusion } from './naive-rfc6962.ts';

const seedOf = (n: string) => createHash('sha256').update(`interop ${n}`).digest();
const pub = (seed: Buffer) => Buffer.from(ed25519.getPublicKey(seed));
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

/** docs/keyshare.md §Canonical bytes, written out independently. */
function canonical(r: Record<string, unknown>): Buffer {
  const str = (k: string) => String(r[k]);
  const kind = { claim: 1, rotate: 2, revoke: 3 }[str('kind')]!;
  return Buffer.concat([
    Buffer.from('sealpeer/keyshare/record\0', 'latin1'),
    Buffer.from([1, kind, str('handle').length]),
    Buffer.from(str('handle'), 'ascii'),
    u64(Number(r.seq)),
    u64(Number(r.createdAt)),
    u64(Number(r.expiresAt ?? 0)),
    ...['identityKey', 'x25519Key', 'prev'].map((k) => Buffer.from(str(k), 'base64')),
  ]);
}

function makeRecord(
  kind: string,
  handle: string,
  seq: number,
  prev: Buffer,
  identity: Buffer,
  signers: Buffer[],
) {
  const body = {
    v: 1,
    kind,
    handle,
    seq,
    createdAt: Date.now(),
    expiresAt: null,
    identityKey: pub(identity).toString('base64'),
    x25519Key: createHash('sha256').update(`x ${handle} ${seq}`).digest().toString('base64'),
    prev: prev.toString('base64'),
  };
  const msg = canonical(body);
  const [sig, prevSig] = signers.map((s) => Buffer.from(ed25519.sign(msg, s)).toString('base64'));
  return { ...body, sig: sig!, ...(prevSig ? { prevSig } : {}) };
}

/** C2SP signed-note + tlog-checkpoint, parsed and verified by hand against a verifier key string. */
function verifyCheckpoint(note: string, vkey: string): { size: number; root: Buffer } {
  const { name, keyId, pk, nodeKey } = independentKey(vkey, 0x01);
  const sep = note.lastIndexOf('\n\n');
  const text = note.slice(0, sep + 1);
  const sigLine = note.slice(sep + 2).split('\n')[0]!;
  expect(sigLine.startsWith(`\u2014 ${name} `)).toBe(true);
  const sigBytes = Buffer.from(sigLine.slice(`\u2014 ${name} `.length), 'base64');
  expect(sigBytes.subarray(0, 4).equals(keyId)).toBe(true);
  const sig = sigBytes.subarray(4);
  expect(nodeVerify(null, Buffer.from(text, 'utf8'), nodeKey, sig)).toBe(true);
  expect(ed25519.verify(sig, Buffer.from(text, 'utf8'), pk)).toBe(true);
  const [origin, size, root, ...rest] = text.split('\n');
  expect(origin).toBe(name);
  // One tlog-checkpoint extension line: the map root (docs/keyshare.md §Checkpoint).
  expect(rest).toHaveLength(2);
  expect(rest[0]).toMatch(/^sealpeer-map\/v1 [A-Za-z0-9+/]{43}=$/);
  expect(rest[1]).toBe('');
  expect(size).toMatch(/^(0|[1-9][0-9]*)$/);
  return { size: Number(size), root: Buffer.from(root!, 'base64') };
}

describe('interop with an independent RFC 6962 / signed-note implementation', () => {
  it('publish, look up, verify inclusion + checkpoint + consistency independently; wrong-key rotation refused', async () => {
    const ks = await startTestKeyshare();
    const [a1, a2, bob, mallory] = ['alice-1', 'alice-2', 'bob', 'mallory'].map(seedOf) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const zero = Buffer.alloc(32);
    const claimA = makeRecord('claim', 'alice', 0, zero, a1, [a1]);
    expect((await postJson(`${ks.url}/v1/records`, claimA)).status).toBe(201);
    expect(
      (await postJson(`${ks.url}/v1/records`, makeRecord('claim', 'bob', 0, zero, bob, [bob]))).status,
    ).toBe(201);
    const firstCheckpoint = verifyCheckpoint(
      await (await fetch(`${ks.url}/v1/checkpoint`)).text(),
      ks.verifierKey,
    );
    expect(firstCheckpoint.size).toBe(2);

    // Rotation signed by the wrong old key: refused, nothing logged.
    const claimLeafHash = naiveLeafHash(
      Buffer.concat([canonical(claimA), Buffer.from(claimA.sig, 'base64')]),
    );
    const badRot = makeRecord('rotate', 'alice', 1, claimLeafHash, a2, [a2, mallory]);
    const refused = await postJson(`${ks.url}/v1/records`, badRot);
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('not_signed_by_current_key');
    // The right rotation is accepted.
    const rot = makeRecord('rotate', 'alice', 1, claimLeafHash, a2, [a2, a1]);
    expect((await postJson(`${ks.url}/v1/records`, rot)).status).toBe(201);

    const answer = (await (await fetch(`${ks.url}/v1/records/alice`)).json()) as {
      record: typeof rot;
      leafIndex: number;
      inclusionProof: string[];
      checkpoint: string;
    };
    expect(answer.record).toEqual(rot);
    const cp = verifyCheckpoint(answer.checkpoint, ks.verifierKey);
    expect(cp.size).toBe(3);
    const leaf = Buffer.concat([
      canonical(rot),
      Buffer.from(rot.sig, 'base64'),
      Buffer.from(rot.prevSig!, 'base64'),
    ]);
    expect(ed25519.verify(Buffer.from(rot.sig, 'base64'), canonical(rot), pub(a2))).toBe(true);
    const proofHashes = answer.inclusionProof.map((h) => Buffer.from(h, 'base64'));
    expect(naiveVerifyInclusion(answer.leafIndex, cp.size, naiveLeafHash(leaf), proofHashes, cp.root)).toBe(
      true,
    );
    expect(
      naiveVerifyInclusion(answer.leafIndex, cp.size, naiveLeafHash(Buffer.from('x')), proofHashes, cp.root),
    ).toBe(false);

    // The whole log from /v1/leaves hashes to the checkpoint root, and the served consistency proof
    // equals RFC 6962 PROOF(2, D[3]).
    const leaves = (await (await fetch(`${ks.url}/v1/leaves?start=0&end=3`)).json()) as { leaves: string[] };
    const d = leaves.leaves.map((l) => Buffer.from(l, 'base64'));
    expect(mth(d).equals(cp.root)).toBe(true);
    expect(mth(d.slice(0, 2)).equals(firstCheckpoint.root)).toBe(true);
    expect(d[2]!.equals(leaf)).toBe(true);
    const cons = (await (await fetch(`${ks.url}/v1/proof/consistency?old=2&new=3`)).json()) as {
      proof: string[];
    };
    expect(cons.proof).toEqual(naiveProof(2, d).map((h) => h.toString('base64')));
  });
});
