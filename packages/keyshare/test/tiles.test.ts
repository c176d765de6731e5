// C2SP tlog-tiles: the keyshare serves /checkpoint, hash tiles and entry bundles; a client verifies
// from tiles alone (TileLogReader), on a real keyshare over loopback and on a three-level tree; tile
// paths are parsed strictly; a tampered tile or bundle is refused.
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { entryBundle, hashTile } from '../src/log/tiles.ts';
import { MerkleTree } from '../src/log/tree.ts';
import { errorCode, failureOf, startTestKeyshare } from './helpers.ts';
import { mth, naiveLeafHash } from './naive-rfc6962.ts';
import { fillClaims } from './tiles-support.ts';

describe('tile paths (tlog-tiles §Merkle Tree)', () => {
  it('formats and parses the spec examples; refuses every other spelling', () => {
    expect(keyshare.formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(keyshare.parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(keyshare.parseTilePath('2/000.p/1')).toEqual({ level: 2, index: 0, width: 1 });
    expect(keyshare.parseTilePath('entries/x001/002.p/255')).toEqual({
      level: 'entries',
      index: 1002,
      width: 255,
    });
    const bad = [
      '',
      '0',
      '0/1',
      '0/0001',
      '00/000',
      '64/000',
      '0/x000/001', // non-canonical: leading x000
      '0/001/002', // inner element without x
      '0/000.p/0',
      '0/000.p/256',
      '0/000.p/07',
      '0/000.p',
      '0/000.p/1/2',
      'data/000',
      '0/-01',
      '0/x1000/000',
    ];
    for (const b of bad) expect(keyshare.parseTilePath(b), b).toBeNull();
  });
});

describe('tiles over HTTP', () => {
  it('a 300-leaf log: tiles, bundles and /checkpoint verify from tiles alone; bad paths are refused', async () => {
    const ks = await startTestKeyshare();
    await fillClaims(ks, 300);
    const verifier = keyshare.parseVerifierKey(ks.verifierKey);
    const reader = new keyshare.TileLogReader(ks.url, verifier);
    const cp = await reader.checkpoint();
    expect(cp.size).toBe(300);
    const leaves = (await ks.service.leaves(0, 300)).leaves.map(
      (b) => new Uint8Array(Buffer.from(b, 'base64')),
    );
    expect(Buffer.from(cp.rootHash).equals(mth(leaves))).toBe(true);
    for (const i of [0, 7, 255, 256, 299]) {
      expect(Buffer.from(await reader.entry(cp, i)).equals(Buffer.from(leaves[i]!)), `entry ${i}`).toBe(true);
    }

    const full = await fetch(`${ks.url}/tile/0/000`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('application/octet-stream');
    expect(full.headers.get('cache-control')).toContain('immutable');
    const fullBytes = Buffer.from(await full.arrayBuffer());
    expect(fullBytes.length).toBe(8192);
    expect(fullBytes.subarray(32 * 7, 32 * 8).equals(naiveLeafHash(leaves[7]!))).toBe(true);
    // Level 1 holds the hash of the full level-0 tile; an older partial width is still served.
    const l1 = Buffer.from(await (await fetch(`${ks.url}/tile/1/000.p/1`)).arrayBuffer());
    expect(l1.equals(mth(leaves.slice(0, 256)))).toBe(true);
    expect((await fetch(`${ks.url}/tile/0/001.p/10`)).status).toBe(200);
    const cpRes = await fetch(`${ks.url}/checkpoint`);
    expect(cpRes.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await cpRes.text()).toBe(ks.service.checkpoint());

    // Not in the log: 404 not_found; malformed: 400 invalid_request.
    for (const p of ['0/001', '0/001.p/45', '1/000', '2/000.p/1', 'entries/001', 'entries/002.p/1']) {
      const r = await fetch(`${ks.url}/tile/${p}`);
      expect(r.status, p).toBe(404);
      expect(await errorCode(r)).toBe('not_found');
    }
    for (const p of ['0/1', '0/x000/000', 'x/000', '0/000.p/0', '0/000.p/300', '99/000']) {
      const r = await fetch(`${ks.url}/tile/${p}`);
      expect(r.status, p).toBe(400);
      expect(await errorCode(r)).toBe('invalid_request');
    }
  }, 60_000);

  it('a mirror that alters a tile, a bundle or the checkpoint is caught', async () => {
    const ks = await startTestKeyshare();
    await fillClaims(ks, 260);
    const verifier = keyshare.parseVerifierKey(ks.verifierKey);
    const tamper =
      (match: string, edit: (b: Uint8Array) => Uint8Array): keyshare.FetchLike =>
      async (u, i) => {
        const res = await fetch(u, i);
        if (!u.endsWith(match)) return res;
        return new Response(Buffer.from(edit(new Uint8Array(await res.arrayBuffer()))), { status: 200 });
      };
    const flip = (at: number) => (b: Uint8Array) => {
      const c = b.slice();
      c[at] = c[at]! ^ 1;
      return c;
    };
    const honest = new keyshare.TileLogReader(ks.url, verifier);
    const cp = await honest.checkpoint();
    const cases: Array<[string, keyshare.FetchLike, number]> = [
      ['full level-0 tile', tamper('/tile/0/000', flip(40)), 3],
      ['partial level-0 tile', tamper('/tile/0/001.p/4', flip(0)), 257],
      ['level-1 tile', tamper('/tile/1/000.p/1', flip(5)), 3],
      ['entry bundle', tamper('/tile/entries/000', flip(100)), 0],
      ['truncated bundle', tamper('/tile/entries/001.p/4', (b) => b.subarray(0, b.length - 1)), 258],
      ['short tile', tamper('/tile/0/000', (b) => b.subarray(0, 8160)), 1],
    ];
    for (const [what, f, index] of cases) {
      const r = new keyshare.TileLogReader(ks.url, verifier, f);
      expect(await failureOf(r.entry(cp, index)), what).toMatch(/inclusion_failed|response_malformed/);
    }
    const forged = new keyshare.TileLogReader(
      ks.url,
      verifier,
      tamper('/checkpoint', (b) =>
        new TextEncoder().encode(new TextDecoder().decode(b).replace('\n260\n', '\n259\n')),
      ),
    );
    expect(await failureOf(forged.checkpoint())).toBe('checkpoint_invalid');
  }, 60_000);
});

describe('tiles of a three-level tree (tlog-tiles §Partial Tiles example: 70,000 leaves)', () => {
  it('the reader verifies entries across full level-0 and level-1 tiles and the level-2 edge', async () => {
    const size = 70_000;
    const tree = new MerkleTree();
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < size; i++) {
      const leaf = new TextEncoder().encode(`leaf ${i}`);
      leaves.push(leaf);
      tree.append(keyshare.hashLeaf(leaf));
    }
    const signer = keyshare.generateNoteSigner('tiles.test/log');
    const note = keyshare.signCheckpoint({ origin: signer.name, size, rootHash: tree.root() }, signer);
    const served: string[] = [];
    // The tile server logic of src/log/tiles.ts without HTTP (this test is about the tree math).
    const f: keyshare.FetchLike = async (u) => {
      const path = u.replace('mem://log/', '');
      served.push(path);
      if (path === 'checkpoint') return new Response(note);
      const t = keyshare.parseTilePath(path.slice('tile/'.length));
      if (!t) return new Response('', { status: 400 });
      if (t.level === 'entries') {
        return new Response(Buffer.from(entryBundle(leaves.slice(t.index * 256, t.index * 256 + t.width))));
      }
      return new Response(Buffer.from(hashTile(tree, { ...t, level: t.level })));
    };
    const reader = new keyshare.TileLogReader('mem://log', signer, f);
    const cp = await reader.checkpoint();
    const fetched: Record<number, string[]> = {};
    for (const i of [0, 65_535, 65_536, 69_887, 69_888, 69_999]) {
      served.length = 0;
      expect(new TextDecoder().decode(await reader.entry(cp, i))).toBe(`leaf ${i}`);
      fetched[i] = [...served];
    }
    // The right edge of 70,000 leaves: level-0 width 112 (tile 273), level-1 width 17, level-2 width 1.
    const edge = ['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1'];
    expect(fetched[69_999]).toEqual([...edge, 'tile/entries/273.p/112']);
    // Entry 0: full level-0 tile 0 and full level-1 tile 0, whose hash is in the level-2 edge tile.
    expect(fetched[0]).toEqual([...edge, 'tile/0/000', 'tile/1/000', 'tile/entries/000']);
    // A wrong leaf hash in one full tile deep under the edge is caught.
    const bad = new keyshare.TileLogReader('mem://log', signer, async (u) => {
      const res = await f(u);
      if (!u.endsWith('tile/1/000')) return res;
      const b = new Uint8Array(await res.arrayBuffer());
      b[32 * 200] = b[32 * 200]! ^ 1;
      return new Response(b);
    });
    expect(await failureOf(bad.entry(cp, 200 * 256))).toBe('inclusion_failed');
  }, 60_000);
});
