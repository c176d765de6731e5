// The log monitor: follows growth (one consistency step per new checkpoint), reports watched handles,
// and raises an alert for a forked log, a rolled-back log, and a record that breaks the handle rules
// (which an operator holding the log key could append by writing the database directly).
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey } from '../src/keys.ts';
import type { LogMonitor } from '../src/monitor/monitor.ts';
import { openDb } from '../src/store/db.ts';
import { LogStore } from '../src/store/log-store.ts';
import {
  failureOf,
  forkedPair,
  monitorOf,
  signedRecord,
  startTestKeyshare,
  tempDir,
  testKey,
} from './helpers.ts';
import { startLyingDouble } from './lying-double.ts';

const alertOf = (m: LogMonitor): Promise<string> => failureOf(m.step());

describe('LogMonitor', () => {
  it('follows the log, verifies each consistency step and reports watched handles', async () => {
    const ks = await startTestKeyshare({ maxLeavesPage: 2 });
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    const { m, events } = monitorOf(ks.url, ks.verifierKey, ['alice']);
    await m.step(); // empty log
    await c.publish('alice', testKey('alice'));
    await c.publish('bob', testKey('bob'));
    await c.publish('carol', testKey('carol'));
    await m.step();
    await c.rotate('alice', testKey('alice').signer, testKey('alice-2'));
    await m.step();
    await m.step(); // no change: nothing new
    expect(events.filter((e) => e.event === 'consistent')).toEqual([{ event: 'consistent', old: 3, new: 4 }]);
    const recs = events.filter((e) => e.event === 'record');
    expect(recs.map((e) => (e.event === 'record' ? `${e.kind}@${e.leafIndex}` : ''))).toEqual([
      'claim@0',
      'rotate@3',
    ]);
    expect(m.size).toBe(4);
  });

  it('alerts on a forked log served under the same key, and on a rollback', async () => {
    const { honest, fork } = await forkedPair();
    for (const h of ['alice', 'bob'])
      await new KeyshareClient({ url: honest.url, verifierKey: honest.verifierKey }).publish(h, testKey(h));
    for (const h of ['alice', 'bob', 'carol'])
      await new KeyshareClient({ url: fork.url, verifierKey: honest.verifierKey }).publish(
        h,
        testKey(`f-${h}`),
      );
    const double = await startLyingDouble(honest.url);
    const { m, events } = monitorOf(double.url, honest.verifierKey, []);
    await m.step();
    double.upstream = fork.url;
    expect(await alertOf(m)).toBe('consistency_failed');
    expect(events.at(-1)).toMatchObject({ event: 'alert', reason: 'consistency_failed' });

    const { m: m2 } = monitorOf(double.url, honest.verifierKey);
    await m2.step(); // sees the fork at size 3
    double.upstream = honest.url;
    expect(await alertOf(m2)).toBe('checkpoint_rollback');
  });

  it('alerts when the log holds a record that breaks the handle rules', async () => {
    const dir = tempDir();
    const { signer } = loadOrCreateLogKey(dir, undefined);
    const db = openDb(join(dir, 'keyshare.sqlite'));
    const store = new LogStore(db, signer);
    const owner = testKey('owner');
    const claim = await signedRecord(
      {
        kind: 'claim',
        handle: 'victim',
        seq: 0,
        createdAt: 1,
        expiresAt: null,
        identityKey: owner.signer.publicKey,
        x25519Key: owner.x25519Key,
        prev: keyshare.ZERO_HASH,
      },
      owner.signer,
    );
    const c = keyshare.recordFromJson(claim);
    store.append('victim', keyshare.recordLeaf(c), JSON.stringify(claim), signer, 1);
    // The operator appends a takeover that the service would refuse: not signed by the current key.
    const thief = testKey('thief');
    const takeover = keyshare.recordFromJson(
      await signedRecord(
        {
          kind: 'rotate',
          handle: 'victim',
          seq: 1,
          createdAt: 2,
          expiresAt: null,
          identityKey: thief.signer.publicKey,
          x25519Key: thief.x25519Key,
          prev: keyshare.recordLeafHash(c),
        },
        thief.signer,
        thief.signer,
      ),
    );
    store.append(
      'victim',
      keyshare.recordLeaf(takeover),
      JSON.stringify(keyshare.recordToJson(takeover)),
      signer,
      2,
    );
    db.close();
    const ks = await startTestKeyshare({ dataDir: dir });
    const { m, events } = monitorOf(ks.url, ks.verifierKey, []);
    expect(await alertOf(m)).toBe('rule_violation');
    expect(events.at(-1)).toMatchObject({ event: 'alert', reason: 'rule_violation', leafIndex: 1 });
  });
});
