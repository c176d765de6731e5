// crossCheckPeer (docs/keyshare.md §Split view) against real keyshares: two peers' checkpoints of one
// log pass when the same or consistent, a split view between a keyshare and its fork (same key, same
// origin) is refused, and a log the peer sent nothing for — or whose proof cannot be had — is reported
// "not cross-checked", never counted as checked.
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { failureOf, forkedPair, startTestKeyshare, testKey } from './helpers.ts';

const { crossCheckPeer } = keyshare;

async function clientAfter(url: string, verifierKey: string, names: string[]): Promise<KeyshareClient> {
  const c = new KeyshareClient({ url, verifierKey });
  for (const n of names) await c.publish(n, testKey(n));
  await c.checkpoint();
  return c;
}

describe('crossCheckPeer', () => {
  it('same and consistent views are cross-checked; a log the peer sent nothing for is not', async () => {
    const ks = await startTestKeyshare();
    const me = await clientAfter(ks.url, ks.verifierKey, ['alice', 'bob']);
    const peer = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    const same = (await peer.checkpoint()).note;
    expect(await crossCheckPeer([me], [same])).toMatchObject({
      status: 'cross_checked',
      logs: [{ status: 'same', log: ks.verifierKey }],
    });
    await peer.publish('carol', testKey('carol'));
    const newer = (await peer.checkpoint()).note;
    expect((await crossCheckPeer([me], [newer])).logs[0]?.status).toBe('consistent');
    expect(await crossCheckPeer([me], [])).toMatchObject({
      status: 'not_cross_checked',
      logs: [{ status: 'not_cross_checked', why: 'peer_sent_none' }],
    });
    // Notes of other logs do not count for this one.
    const other = await startTestKeyshare();
    const stranger = await clientAfter(other.url, other.verifierKey, ['dave']);
    const foreign = (await stranger.latestCheckpointNote())!;
    expect((await crossCheckPeer([me], [foreign])).status).toBe('not_cross_checked');
    // Holding nothing: nothing to check.
    const fresh = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    expect((await crossCheckPeer([fresh], [same])).status).toBe('nothing_to_check');
  });

  it('a split view (a fork with the same key and origin) is refused, same size or not', async () => {
    const { honest, fork, verifierKey } = await forkedPair();
    const a = await clientAfter(honest.url, verifierKey, ['alice', 'bob']);
    const b = await clientAfter(fork.url, verifierKey, ['mallory', 'bob']);
    const noteA = (await a.latestCheckpointNote())!;
    const noteB = (await b.latestCheckpointNote())!;
    expect(await failureOf(crossCheckPeer([a], [noteB]))).toBe('split_view');
    expect(await failureOf(crossCheckPeer([b], [noteA]))).toBe('split_view');
    // The fork grows: the side with the larger tree proves the split from its own log's proof.
    const b2 = await clientAfter(fork.url, verifierKey, ['eve']);
    expect(await failureOf(crossCheckPeer([b2], [noteA]))).toBe('split_view');
  });

  it("a checkpoint forged under our log's key is refused; an unreachable keyshare is not a pass", async () => {
    const ks = await startTestKeyshare();
    const me = await clientAfter(ks.url, ks.verifierKey, ['alice']);
    const mine = (await me.latestCheckpointNote())!;
    const forged = mine.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`);
    expect(await failureOf(crossCheckPeer([me], [forged]))).toBe('checkpoint_invalid');
    const peer = await clientAfter(ks.url, ks.verifierKey, ['bob']);
    const newer = (await peer.latestCheckpointNote())!;
    await ks.close();
    expect(await crossCheckPeer([me], [newer], { timeoutMs: 5000 })).toMatchObject({
      status: 'not_cross_checked',
      logs: [{ status: 'not_cross_checked', why: 'proof_unavailable' }],
    });
  });
});
