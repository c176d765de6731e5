// The app's keyshare checkpoint store (core/keyshare-logs.ts) is keyed by the log's verifier key: two
// real keyshares left at the default origin name no longer share a slot (before, the second log's
// lookups failed with state_invalid), and an entry an older version stored under the origin name is
// taken over by the log whose key signed it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { ready } from '@sealpeer/client/crypto';
import * as keyshare from '@sealpeer/client/keyshare';
import { type RunningKeyshare, startKeyshare } from '@sealpeer/keyshare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyshareLogs } from '../../src/core/keyshare-logs.ts';
import type { KeyValue } from '../../src/core/storage.ts';

function memoryKv(): KeyValue & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: async (k) => map.get(k),
    put: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}

describe('app keyshare checkpoint store', () => {
  const dirs: string[] = [];
  let one: RunningKeyshare;
  let two: RunningKeyshare;

  beforeAll(async () => {
    await ready();
    const start = () => {
      const dir = mkdtempSync(join(tmpdir(), 'sealpeer-app-ks-'));
      dirs.push(dir);
      return startKeyshare({ dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'warn' });
    };
    [one, two] = [await start(), await start()];
    for (const ks of [one, two])
      await new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey }).publish(
        'bob',
        identityRecordKeys(Identity.generate()),
      );
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two logs with the default name keep separate checkpoints in one store', async () => {
    const name = (k: string) => keyshare.parseVerifierKey(k).name;
    expect(name(one.verifierKey)).toBe(name(two.verifierKey));
    expect(one.verifierKey).not.toBe(two.verifierKey);
    const kv = memoryKv();
    const logs = new KeyshareLogs(kv);
    await logs.client(one.url, one.verifierKey).lookup('bob');
    await logs.client(two.url, two.verifierKey).lookup('bob'); // collided with log one before
    await logs.client(one.url, one.verifierKey).lookup('bob');
    expect(kv.map.has(`keyshare-checkpoint|${one.verifierKey}`)).toBe(true);
    expect(kv.map.has(`keyshare-checkpoint|${two.verifierKey}`)).toBe(true);
    expect(kv.map.has(`keyshare-checkpoint|${name(one.verifierKey)}`)).toBe(false);
  });

  it('takes over an entry stored under the origin name by an older version, and remembers the logs', async () => {
    const kv = memoryKv();
    const note = await new KeyshareClient({ url: one.url, verifierKey: one.verifierKey }).checkpoint();
    const legacyKey = `keyshare-checkpoint|${keyshare.parseVerifierKey(one.verifierKey).name}`;
    kv.map.set(legacyKey, note.note);
    kv.map.set(`keyshare-verifier|${one.url}`, one.verifierKey); // pinned by an older version
    const logs = new KeyshareLogs(kv);
    await logs.load([one.url]);
    expect(logs.checkpoints()).toEqual([note.note]); // held, so it goes into CONFIRM
    expect(kv.map.get(`keyshare-checkpoint|${one.verifierKey}`)).toBe(note.note);
    // The other log of the same name does not take log one's entry: it starts fresh and works.
    await logs.remember(two.url, two.verifierKey);
    expect((await logs.client(two.url, two.verifierKey).lookup('bob')).status).toBe('active');
    // After a reload the remembered logs come back without the config listing them.
    const again = new KeyshareLogs(kv);
    await again.load([]);
    expect(again.checkpoints()).toHaveLength(2);
  });
});
