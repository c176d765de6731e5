// The monitor audits the map from the log: it replays every leaf into its own map and compares each
// checkpoint's map root; a record that would make a map entry against the handle rules is an alert
// naming the break (takeover, resurrected, skipped_rotation). Operators here hold the log key and
// write the database or sign checkpoints directly — what clients alone cannot catch.
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey } from '../src/keys.ts';
import { nodeMapHasher } from '../src/log/node-hash.ts';
import { MerkleTree } from '../src/log/tree.ts';
import { SparseMap } from '../src/map/sparse-map.ts';
import { mapProofJson } from '../src/service.ts';
import { openDb } from '../src/store/db.ts';
import { LogStore } from '../src/store/log-store.ts';
import { failureOf, monitorOf, signedRecord, startTestKeyshare, tempDir, testKey } from './helpers.ts';
import { rewriteJson, startLyingDouble } from './lying-double.ts';

type Rec = Omit<keyshare.KeyRecord, 'handle' | 'createdAt' | 'expiresAt' | 'x25519Key' | 'prev'> & {
  key: string;
};

/**
 * A data dir whose log holds `records` for handle `victim`, appended as the operator (no rule checks);
 * each record's prev is the leaf hash of the one before (zero for the first).
 */
async function operatorLog(records: Rec[], prevKeys: Array<string | null>): Promise<string> {
  const dir = tempDir();
  const { signer } = loadOrCreateLogKey(dir, undefined);
  const db = openDb(join(dir, 'keyshare.sqlite'));
  const store = new LogStore(db, signer);
  let prev: Uint8Array = keyshare.ZERO_HASH;
  for (const [i, r] of records.entries()) {
    const k = testKey(r.key);
    const { key: _k, ...fields } = r;
    const prevKey = prevKeys[i];
    const json = await signedRecord(
      { ...fields, prev, handle: 'victim', createdAt: i + 1, expiresAt: null, x25519Key: k.x25519Key },
      k.signer,
      prevKey ? testKey(prevKey).signer : undefined,
    );
    const logged = keyshare.recordFromJson(json);
    store.append('victim', keyshare.recordLeaf(logged), JSON.stringify(json), signer, i + 1);
    prev = keyshare.recordLeafHash(logged);
  }
  db.close();
  return dir;
}

const claim = (key: string): Rec => ({
  kind: 'claim',
  seq: 0,
  key,
  identityKey: testKey(key).signer.publicKey,
});
const rec = (kind: 'rotate' | 'revoke', seq: number, key: string): Rec => ({
  kind,
  seq,
  key,
  identityKey: testKey(key).signer.publicKey,
});

describe('LogMonitor: the map audited from the log', () => {
  it('names the rule a logged record breaks: takeover, resurrected, skipped_rotation', async () => {
    const cases: Array<{ rule: string; records: Rec[]; prevKeys: Array<string | null> }> = [
      { rule: 'takeover', records: [claim('owner'), claim('thief')], prevKeys: [null, null] },
      {
        rule: 'resurrected',
        records: [claim('owner'), rec('revoke', 1, 'owner'), rec('rotate', 2, 'new')],
        prevKeys: [null, null, 'owner'],
      },
      {
        rule: 'skipped_rotation',
        records: [claim('owner'), rec('rotate', 2, 'new')],
        prevKeys: [null, 'owner'],
      },
    ];
    for (const c of cases) {
      const ks = await startTestKeyshare({ dataDir: await operatorLog(c.records, c.prevKeys) });
      const { m, events } = monitorOf(ks.url, ks.verifierKey);
      expect(await failureOf(m.step()), c.rule).toBe('rule_violation');
      expect(events.at(-1), c.rule).toMatchObject({
        event: 'alert',
        reason: 'rule_violation',
        rule: c.rule,
        leafIndex: c.records.length - 1,
      });
    }
  });

  it('an operator keeping a rotated-away record in its map fools a client, not the monitor: map_root_mismatch', async () => {
    const dir = tempDir();
    const ks = await startTestKeyshare({ dataDir: dir });
    const owner = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    await owner.publish('alice', testKey('alice-1'));
    await owner.publish('bob', testKey('bob'));
    await owner.rotate('alice', testKey('alice-1').signer, testKey('alice-2'));
    // The operator (holding the log key) builds a map where alice's entry is still her claim (leaf 0)
    // and signs checkpoints with that map's root: a lie no single answer shows.
    const { signer } = loadOrCreateLogKey(dir, undefined);
    const leaves = ks.service.leaves(0, 3).leaves.map((l) => Buffer.from(l, 'base64'));
    const tree = new MerkleTree();
    for (const l of leaves) tree.append(keyshare.hashLeaf(l));
    const fake = new SparseMap(nodeMapHasher);
    fake.set(keyshare.mapKey('alice'), { leafIndex: 0, leafHash: tree.leafHash(0) });
    fake.set(keyshare.mapKey('bob'), { leafIndex: 1, leafHash: tree.leafHash(1) });
    const note = keyshare.signCheckpoint(
      { origin: signer.name, size: 3, rootHash: tree.root(), mapRoot: fake.root() },
      signer,
    );
    const double = await startLyingDouble(ks.url);
    double.lie = async (req, upstream) => {
      if (req.path === '/v1/checkpoint') return { status: 200, contentType: 'text/plain', body: note };
      return rewriteJson('/v1/records/alice', (b) => ({
        ...b,
        record: keyshare.recordToJson(keyshare.parseRecordLeaf(leaves[0]!)),
        leafIndex: 0,
        inclusionProof: tree.inclusionProof(0).map((h) => Buffer.from(h).toString('base64')),
        mapProof: mapProofJson(fake.proof(keyshare.mapKey('alice'))),
        checkpoint: note,
      }))(req, upstream);
    };
    // A fresh client has nothing to compare with: it accepts the old key (the limit monitors close).
    const victim = new KeyshareClient({ url: double.url, verifierKey: ks.verifierKey });
    const r = await victim.lookup('alice');
    expect(r.leafIndex).toBe(0);
    expect(r.status).toBe('active');
    // The monitor replays the three leaves: alice's entry must be leaf 2, so the signed root is wrong.
    const { m, events } = monitorOf(double.url, ks.verifierKey);
    expect(await failureOf(m.step())).toBe('map_root_mismatch');
    expect(events.at(-1)).toMatchObject({ event: 'alert', reason: 'map_root_mismatch' });
    // The honest log passes the same audit.
    const honest = monitorOf(ks.url, ks.verifierKey);
    await honest.m.step();
    expect(honest.events.some((e) => e.event === 'alert')).toBe(false);
  });

  it('a checkpoint without a map root line is an alert: map_root_missing', async () => {
    const dir = tempDir();
    const ks = await startTestKeyshare({ dataDir: dir });
    await new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey }).publish('alice', testKey('a'));
    const { signer } = loadOrCreateLogKey(dir, undefined);
    const cp = keyshare.openCheckpoint(ks.service.checkpoint(), signer);
    const bare = keyshare.signCheckpoint({ origin: cp.origin, size: cp.size, rootHash: cp.rootHash }, signer);
    const double = await startLyingDouble(ks.url);
    double.lie = async (req, upstream) =>
      req.path === '/v1/checkpoint' ? { status: 200, contentType: 'text/plain', body: bare } : upstream();
    const { m } = monitorOf(double.url, ks.verifierKey);
    expect(await failureOf(m.step())).toBe('map_root_missing');
  });
});
