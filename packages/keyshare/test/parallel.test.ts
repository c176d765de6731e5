// Parallel publishes keep the log consistent: distinct handles all land, a contested handle has exactly
// one owner, racing rotations leave one winner, and a monitor rebuilding the tree agrees with the log.
import { KeyshareClient, type KeyshareRequestError } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { errorCode, monitorOf, postJson, signedRecord, startTestKeyshare, testKey } from './helpers.ts';

describe('parallel publishes', () => {
  it('keep the log consistent', async () => {
    const ks = await startTestKeyshare();
    const client = () => new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    const distinct = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    const contenders = Array.from({ length: 10 }, (_, i) => `squatter-${i}`);
    const results = await Promise.allSettled([
      ...distinct.map((h) => client().publish(h, testKey(h))),
      ...contenders.map((k) => client().publish('contested', testKey(k))),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as KeyshareRequestError] : [],
    );
    expect(ok).toBe(31);
    expect(refused.map((e) => e.code)).toEqual(Array(9).fill('handle_taken'));

    // Racing rotations of one handle, all built on the same current record: exactly one wins.
    const cur = await client().lookup('user-0');
    const bodies = await Promise.all(
      ['r1', 'r2', 'r3'].map((n) =>
        signedRecord(
          {
            kind: 'rotate',
            handle: 'user-0',
            seq: cur.record.seq + 1,
            createdAt: Date.now(),
            expiresAt: null,
            identityKey: testKey(n).signer.publicKey,
            x25519Key: testKey(n).x25519Key,
            prev: keyshare.recordLeafHash(cur.record),
          },
          testKey(n).signer,
          testKey('user-0').signer,
        ),
      ),
    );
    const rot = await Promise.all(bodies.map((b) => postJson(`${ks.url}/v1/records`, b)));
    expect(rot.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of rot.filter((x) => x.status === 409)) expect(await errorCode(r)).toBe('stale_record');

    // Every record verifies against the final checkpoint, and a monitor agrees with the tree.
    const final = client();
    const owner = await final.lookup('contested');
    expect(
      contenders.some((k) => Buffer.from(testKey(k).signer.publicKey).equals(Buffer.from(owner.identityKey))),
    ).toBe(true);
    for (const h of distinct) expect((await final.lookup(h)).checkpoint.size).toBe(32);
    const { m, events } = monitorOf(ks.url, ks.verifierKey, ['contested']);
    await m.step();
    expect(m.size).toBe(32);
    expect(events.filter((e) => e.event === 'record')).toHaveLength(1);
    expect(events.some((e) => e.event === 'alert')).toBe(false);
    expect(keyshare.HANDLE_RE.test('contested')).toBe(true);
  }, 120_000);
});
