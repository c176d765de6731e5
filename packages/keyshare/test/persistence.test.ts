// Restart keeps the log (same key, same checkpoint, old checkpoints still consistent); the data dir
// and key file permissions; a damaged database, a second writer, or another origin name are refused.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import Database from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
// Node-only module of the client, not exported through its browser-safe index.
import { jsonFileStateStore } from '../../client/src/keyshare/node-file-state.ts';
import { startKeyshare } from '../src/index.ts';
import { startTestKeyshare, tempDir, testKey } from './helpers.ts';

const silent = pino({ level: 'silent' });

describe('persistence', () => {
  it('restart keeps the log, the key and the checkpoint; clients stay consistent across both restarts', async () => {
    const dir = tempDir();
    const stateFile = join(tempDir(), 'client-state.json');
    const a = await startTestKeyshare({ dataDir: dir });
    const c1 = new KeyshareClient({
      url: a.url,
      verifierKey: a.verifierKey,
      stateStore: jsonFileStateStore(stateFile),
    });
    for (const h of ['alice', 'bob', 'carol']) await c1.publish(h, testKey(h));
    const before = await (await fetch(`${a.url}/v1/checkpoint`)).text();
    await a.close();

    const b = await startTestKeyshare({ dataDir: dir });
    expect(b.verifierKey).toBe(a.verifierKey);
    expect(await (await fetch(`${b.url}/v1/checkpoint`)).text()).toBe(before);
    // A new client process (same state file) sees the grown log as consistent with what it stored.
    const c2 = new KeyshareClient({
      url: b.url,
      verifierKey: b.verifierKey,
      stateStore: jsonFileStateStore(stateFile),
    });
    expect((await c2.latestCheckpointNote())?.startsWith('localhost/sealpeer-keyshare\n3\n')).toBe(true);
    await c2.publish('dave', testKey('dave'));
    const r = await c2.lookup('alice');
    expect(r.checkpoint.size).toBe(4);
    expect(Buffer.from(r.identityKey).equals(Buffer.from(testKey('alice').signer.publicKey))).toBe(true);
  });

  it('creates the data dir 0700 and the log key 0600', async () => {
    const dir = join(tempDir(), 'new');
    await startTestKeyshare({ dataDir: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'log-key')).mode & 0o777).toBe(0o600);
  });

  it('refuses another --origin-name for an existing log', async () => {
    const dir = tempDir();
    const a = await startTestKeyshare({ dataDir: dir, originName: 'keys.example.org/a' });
    expect(a.origin).toBe('keys.example.org/a');
    await a.close();
    await expect(
      startKeyshare({ dataDir: dir, port: 0, logger: silent, originName: 'keys.example.org/b' }),
    ).rejects.toThrow(/origin "keys.example.org\/a"/);
  });

  it('refuses a second keyshare on the same data dir while one runs', async () => {
    const dir = tempDir();
    await startTestKeyshare({ dataDir: dir });
    await expect(startKeyshare({ dataDir: dir, port: 0, logger: silent })).rejects.toThrow(/locked/);
  });

  it('refuses to start on a database whose leaves no longer match the signed checkpoint', async () => {
    const dir = tempDir();
    const a = await startTestKeyshare({ dataDir: dir });
    const c = new KeyshareClient({ url: a.url, verifierKey: a.verifierKey });
    for (const h of ['alice', 'bob']) await c.publish(h, testKey(h));
    await a.close();
    const db = new Database(join(dir, 'keyshare.sqlite'));
    db.prepare('UPDATE leaves SET leaf_hash = ? WHERE idx = 0').run(Buffer.alloc(32, 1));
    db.close();
    await expect(startKeyshare({ dataDir: dir, port: 0, logger: silent })).rejects.toThrow(
      /do not match the last signed checkpoint/,
    );
    const db2 = new Database(join(dir, 'keyshare.sqlite'));
    db2.pragma('foreign_keys = OFF');
    db2.prepare('DELETE FROM leaves WHERE idx = 1').run();
    db2.close();
    await expect(startKeyshare({ dataDir: dir, port: 0, logger: silent })).rejects.toThrow(
      /do not match|missing/,
    );
  });

  it('rebuilds the map from the leaves at start (lookups keep their map proofs) and refuses leaves relabelled to another handle', async () => {
    const dir = tempDir();
    const a = await startTestKeyshare({ dataDir: dir });
    const c = new KeyshareClient({ url: a.url, verifierKey: a.verifierKey });
    await c.publish('alice', testKey('alice'));
    await c.publish('bob', testKey('bob'));
    await c.rotate('alice', testKey('alice').signer, testKey('alice-2'));
    await a.close();
    const b = await startTestKeyshare({ dataDir: dir });
    const after = await new KeyshareClient({ url: b.url, verifierKey: b.verifierKey }).lookup('alice');
    expect(after.leafIndex).toBe(2);
    expect(after.checkpoint.note).toBe(b.service.checkpoint());
    await b.close();
    // The operator relabels alice's rotation as bob's, so that her claim (leaf 0) would be her latest.
    const db = new Database(join(dir, 'keyshare.sqlite'));
    db.prepare("UPDATE leaves SET handle = 'bob' WHERE idx = 2").run();
    db.close();
    await expect(startKeyshare({ dataDir: dir, port: 0, logger: silent })).rejects.toThrow(
      /do not match the map root of the last signed checkpoint/,
    );
  });

  it('a log from before the map gets the same tree signed again with its map root at start', async () => {
    const dir = tempDir();
    const a = await startTestKeyshare({ dataDir: dir });
    await new KeyshareClient({ url: a.url, verifierKey: a.verifierKey }).publish('alice', testKey('alice'));
    const withMap = keyshare.openCheckpoint(a.service.checkpoint(), keyshare.parseVerifierKey(a.verifierKey));
    await a.close();
    const signer = keyshare.parseSignerKey(readFileSync(join(dir, 'log-key'), 'utf8').trim());
    const old = keyshare.signCheckpoint({ origin: signer.name, size: 1, rootHash: withMap.rootHash }, signer);
    const db = new Database(join(dir, 'keyshare.sqlite'));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'checkpoint'").run(old);
    db.close();
    const b = await startTestKeyshare({ dataDir: dir });
    const cp = keyshare.openCheckpoint(b.service.checkpoint(), signer);
    expect(cp.size).toBe(1);
    expect(Buffer.from(cp.mapRoot!).equals(Buffer.from(withMap.mapRoot!))).toBe(true);
  });
});
