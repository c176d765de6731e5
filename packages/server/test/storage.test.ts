import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { createChannel, credential, http, login, start, type TestServer, tempDir } from './helpers.ts';

const dirs: string[] = [];
let s: TestServer | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

describe('SQLite storage', () => {
  it('a restart with the same data dir keeps every channel and credential', async () => {
    const dataDir = dir();
    s = await start({ dataDir });
    const pub = await createChannel(s, true, 'kept');
    const priv = await createChannel(s, false);
    const cred = await credential(s, priv);
    await s.stop();
    s = await start({ dataDir });
    expect((await http(s.url, 'GET', `/api/channels/${priv}`)).status).toBe(200);
    const list = await http(s.url, 'GET', '/api/channels');
    expect(list.body.channels).toContainEqual({ channelId: pub, name: 'kept', peers: 0 });
    // The old password still logs in, and the same session maps to the same client.
    (await login(s, cred)).close();
    expect((await credential(s, priv, cred.sessionId)).clientId).toBe(cred.clientId);
  });

  it('uses WAL and never stores a password in plaintext', async () => {
    const dataDir = dir();
    s = await start({ dataDir });
    const cred = await credential(s, await createChannel(s));
    await s.stop();
    s = undefined;
    const db = new Database(join(dataDir, 'sealpeer.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const row = db.prepare('SELECT * FROM credentials').get() as Record<string, unknown>;
    db.close();
    expect(Object.keys(row)).not.toContain('password');
    expect((row.password_hash as Buffer).length).toBe(32);
    for (const f of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, f));
      expect(bytes.includes(Buffer.from(cred.password)), f).toBe(false);
      expect(bytes.includes(Buffer.from(cred.password, 'base64url')), f).toBe(false);
    }
  });

  it('purges expired credentials, on a timer and at start', async () => {
    let now = Date.now();
    const dataDir = dir();
    s = await start({ dataDir, credentialTtlMs: 1000, purgeIntervalMs: 50, now: () => now });
    const ch = await createChannel(s);
    await credential(s, ch);
    await credential(s, ch);
    expect((await http(s.adminUrl!, 'GET', '/admin/stats')).body.credentials).toBe(2);
    now += 1001;
    // The purge timer (every 50 ms) runs without any request: wait for it.
    let left = -1;
    for (let i = 0; i < 100 && left !== 0; i++) {
      await new Promise((r) => setTimeout(r, 30));
      left = (await http(s.adminUrl!, 'GET', '/admin/stats')).body.credentials;
    }
    expect(left).toBe(0);
    expect(s.logs.some((l) => l.event === 'purged' && l.credentials === 2)).toBe(true);
    await credential(s, ch);
    await s.stop();
    now += 2000;
    s = await start({ dataDir, credentialTtlMs: 1000, now: () => now });
    expect((await http(s.adminUrl!, 'GET', '/admin/stats')).body).toMatchObject({
      channels: 1,
      credentials: 0,
    });
  });

  it('an expired credential no longer counts towards the channel limit', async () => {
    let now = Date.now();
    s = await start({ credentialTtlMs: 1000, limits: { maxClientsPerChannel: 1 }, now: () => now });
    const ch = await createChannel(s);
    const first = await credential(s, ch);
    expect(
      (await http(s.url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: crypto.randomUUID() })).status,
    ).toBe(409);
    now += 1001;
    const second = await credential(s, ch);
    expect(second.clientId).not.toBe(first.clientId);
  });

  it('refuses a database from a newer schema with a clear message', () => {
    const dataDir = dir();
    const db = new Database(join(dataDir, 'sealpeer.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(dataDir)).toThrow(/newer sealpeer/);
  });
});
