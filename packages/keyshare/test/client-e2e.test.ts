// KeyshareClient against a real keyshare: publish / rotate / revoke, expiry, watching one's own
// handle, and split-view detection between two peers' checkpoints.
import {
  checkPeerCheckpoint,
  KeyshareClient,
  KeyshareIntegrityError,
  KeyshareRequestError,
  watchOwnHandle,
} from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { forkedPair, signedRecord, startTestKeyshare, testKey } from './helpers.ts';

const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('KeyshareClient end to end', () => {
  it('publish, rotate, revoke: each lookup verified, states reported', async () => {
    const ks = await startTestKeyshare();
    const me = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    const peer = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    const k1 = testKey('me-1');
    const k2 = testKey('me-2');
    const pub = await me.publish('myself', k1);
    expect(pub.status).toBe('active');
    expect(eq((await peer.lookup('myself')).identityKey, k1.signer.publicKey)).toBe(true);

    await expect(me.rotate('myself', k2.signer, k2)).rejects.toMatchObject({ code: 'not_own_key' });
    const rot = await me.rotate('myself', k1.signer, k2);
    expect(rot.record.seq).toBe(1);
    const seen = await peer.lookup('myself');
    expect(eq(seen.identityKey, k2.signer.publicKey)).toBe(true);
    expect(eq(seen.x25519Key, k2.x25519Key)).toBe(true);

    const rev = await me.revoke('myself', k2.signer);
    expect(rev.status).toBe('revoked');
    expect((await peer.lookup('myself')).status).toBe('revoked');
    await expect(me.rotate('myself', k2.signer, k1)).rejects.toMatchObject({
      code: 'handle_revoked',
      status: 409,
    });
    await expect(peer.lookup('nobody')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(
      new KeyshareClient({ url: 'http://127.0.0.1:1', verifierKey: ks.verifierKey }).lookup('myself'),
    ).rejects.toBeInstanceOf(KeyshareRequestError);
  });

  it('reports an expired record as expired', async () => {
    let now = Date.now();
    const ks = await startTestKeyshare();
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey, now: () => now });
    await c.publish('short', { ...testKey('short'), expiresAt: now + 60_000 });
    expect((await c.lookup('short')).status).toBe('active');
    now += 61_000;
    expect((await c.lookup('short')).status).toBe('expired');
  });

  it('watchOwnHandle warns when the log shows a record this device did not sign', async () => {
    const ks = await startTestKeyshare();
    const me = testKey('owner');
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    await c.publish('owner', me);
    const alerts: keyshare.WatchAlert[] = [];
    const watch = watchOwnHandle(c, 'owner', {
      ownKeys: () => [me.signer.publicKey],
      onAlert: (a) => alerts.push(a),
      intervalMs: 0,
    });
    expect(await watch.check()).toBeNull();
    // The device lost its key to a thief, who rotates the handle with it.
    const thief = testKey('thief');
    const cur = await c.lookup('owner');
    const body = await signedRecord(
      {
        kind: 'rotate',
        handle: 'owner',
        seq: 1,
        createdAt: Date.now(),
        expiresAt: null,
        identityKey: thief.signer.publicKey,
        x25519Key: thief.x25519Key,
        prev: keyshare.recordLeafHash(cur.record),
      },
      thief.signer,
      me.signer,
    );
    expect(
      (
        await fetch(`${ks.url}/v1/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status,
    ).toBe(201);
    const alert = await watch.check();
    expect(alert?.kind).toBe('foreign_record');
    expect(alerts).toHaveLength(1);
    watch.stop();
  });

  it('peers exchanging checkpoints detect a split view, and accept consistent ones', async () => {
    const { honest, fork } = await forkedPair();

    const alice = new KeyshareClient({ url: honest.url, verifierKey: honest.verifierKey });
    const bob = new KeyshareClient({ url: fork.url, verifierKey: honest.verifierKey });
    const carol = new KeyshareClient({ url: honest.url, verifierKey: honest.verifierKey });
    await alice.publish('alice', testKey('alice'));
    await alice.publish('bob', testKey('bob'));
    await bob.publish('alice', testKey('mallory-as-alice')); // the operator shows Bob another alice
    await bob.publish('bob', testKey('bob'));
    expect((await bob.lookup('alice')).status).toBe('active'); // Bob alone cannot tell

    const aliceCp = (await alice.latestCheckpointNote())!;
    const bobCp = (await bob.latestCheckpointNote())!;
    await expect(alice.checkPeerCheckpoint(bobCp)).rejects.toMatchObject({ reason: 'split_view' });
    await expect(bob.checkPeerCheckpoint(aliceCp)).rejects.toBeInstanceOf(KeyshareIntegrityError);

    // Honest peers: Carol saw an older tree; the check passes and Carol's view advances.
    await carol.lookup('alice');
    const carolCp = (await carol.latestCheckpointNote())!;
    await alice.publish('dave', testKey('dave'));
    await alice.lookup('dave');
    const r = await carol.checkPeerCheckpoint((await alice.latestCheckpointNote())!);
    expect(r.status).toBe('consistent');
    expect((await carol.latestCheckpointNote())?.split('\n')[1]).toBe('3');
    const free = await checkPeerCheckpoint(carolCp, (await alice.latestCheckpointNote())!, {
      verifier: alice.verifier,
      consistencyProof: (a, b) => alice.api.getConsistencyProof(a, b),
    });
    expect(free.older.size).toBe(2);
  });
});
