import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.ts';
import {
  Identity,
  type KeyChangedEvent,
  MemoryTrustStorage,
  type PublicIdentity,
  type TrustStorage,
  TrustStore,
  toBase64Url,
} from '../../src/identity/index.ts';
import { FileTrustStorage } from '../../src/identity/node-file.ts';
import { codeOfAsync as codeOf } from '../crypto/error-code.ts';

await ready();

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function fileStorage(): Promise<TrustStorage> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpeer-trust-'));
  dirs.push(dir);
  return new FileTrustStorage(join(dir, 'sub', 'trust.json'));
}

const key = (): PublicIdentity => Identity.generate().publicIdentity;

const BACKENDS: Array<[string, () => Promise<TrustStorage>]> = [
  ['memory', async () => new MemoryTrustStorage()],
  ['file', fileStorage],
];

describe.each(BACKENDS)('TrustStore on %s storage', (_name, makeStorage) => {
  it('trusts on first use, then keeps the same key unverified until verified', async () => {
    const store = new TrustStore(await makeStorage());
    const k = key();
    expect(await store.observe('bob', k)).toEqual({
      state: 'unverified',
      sessionAllowed: true,
      firstContact: true,
    });
    expect(await store.observe('bob', k)).toEqual({
      state: 'unverified',
      sessionAllowed: true,
      firstContact: false,
    });
    const r = await store.markVerified('bob', k, 'safety-number');
    expect(r.state).toBe('verified');
    expect(r.verifiedBy).toBe('safety-number');
    expect((await store.observe('bob', k)).state).toBe('verified');
    expect(await store.list()).toEqual(['bob']);
  });

  it('a changed key blocks sessions, emits key-changed once per new key, never silently', async () => {
    const store = new TrustStore(await makeStorage());
    const events: KeyChangedEvent[] = [];
    store.on('key-changed', (e) => events.push(e));
    const k1 = key();
    const k2 = key();
    await store.observe('bob', k1);
    await store.markVerified('bob', k1, 'qr');
    expect(await store.observe('bob', k2)).toEqual({
      state: 'key-changed',
      sessionAllowed: false,
      firstContact: false,
    });
    expect(events).toHaveLength(1);
    expect(toBase64Url(events[0]!.newKey.x25519)).toBe(toBase64Url(k2.x25519));
    expect(toBase64Url(events[0]!.previousKey.x25519)).toBe(toBase64Url(k1.x25519));
    // Still blocked for the new key and even for the old key, until the user decides.
    expect(await codeOf(store.requireSessionAllowed('bob', k2))).toBe('key_changed');
    expect(await codeOf(store.requireSessionAllowed('bob', k1))).toBe('key_changed');
    expect(events).toHaveLength(1);
    expect(await codeOf(store.markVerified('bob', k2, 'safety-number'))).toBe('key_changed');
    const k3 = key();
    await store.observe('bob', k3);
    expect(events).toHaveLength(2);
  });

  it('acceptKeyChange pins the new key as unverified; rejectKeyChange restores the old verified key', async () => {
    const storage = await makeStorage();
    const store = new TrustStore(storage);
    const k1 = key();
    const k2 = key();
    await store.observe('bob', k1);
    await store.markVerified('bob', k1, 'safety-number');
    await store.observe('bob', k2);
    const reopened = new TrustStore(storage);
    expect(await codeOf(reopened.requireSessionAllowed('bob', k2))).toBe('key_changed');
    const rejected = await reopened.rejectKeyChange('bob');
    expect(rejected.state).toBe('verified');
    expect((await reopened.requireSessionAllowed('bob', k1)).state).toBe('verified');
    await reopened.observe('bob', k2);
    const accepted = await reopened.acceptKeyChange('bob', k2);
    expect(accepted.state).toBe('unverified');
    expect((await reopened.requireSessionAllowed('bob', k2)).sessionAllowed).toBe(true);
    expect(await codeOf(reopened.acceptKeyChange('bob', k2))).toBe('bad_input');
    expect(await codeOf(reopened.rejectKeyChange('nobody'))).toBe('unknown_contact');
  });

  it('acceptKeyChange pins only the key the user reviewed (a newer pending key is refused)', async () => {
    const store = new TrustStore(await makeStorage());
    const [k1, k2, k3] = [key(), key(), key()];
    await store.observe('dave', k1);
    await store.observe('dave', k2); // the user is shown k2 ...
    await store.observe('dave', k3); // ... while k3 replaces it as the pending key
    expect(await codeOf(store.acceptKeyChange('dave', k2))).toBe('key_mismatch');
    expect(await codeOf(store.requireSessionAllowed('dave', k3))).toBe('key_changed');
    const accepted = await store.acceptKeyChange('dave', k3);
    expect(accepted.state).toBe('unverified');
    expect((await store.requireSessionAllowed('dave', k3)).sessionAllowed).toBe(true);
  });

  it('markVerified refuses unknown contacts and keys that are not the pinned one', async () => {
    const store = new TrustStore(await makeStorage());
    const k = key();
    expect(await codeOf(store.markVerified('carol', k, 'qr'))).toBe('unknown_contact');
    await store.observe('carol', k);
    expect(await codeOf(store.markVerified('carol', key(), 'qr'))).toBe('key_mismatch');
    expect(await codeOf(store.markVerified('carol', k, 'telepathy' as never))).toBe('bad_input');
  });

  it('a refused acceptKeyChange changes nothing: the old key stays pinned, the old key and bad keys are refused', async () => {
    const store = new TrustStore(await makeStorage());
    const [old, reviewed, later] = [key(), key(), key()];
    await store.observe('erin', old);
    await store.observe('erin', reviewed);
    await store.observe('erin', later);
    expect(await codeOf(store.acceptKeyChange('erin', reviewed))).toBe('key_mismatch');
    expect(await codeOf(store.acceptKeyChange('erin', old))).toBe('key_mismatch');
    const r = await store.get('erin');
    expect(r?.state).toBe('key-changed');
    expect(toBase64Url(r!.key.x25519)).toBe(toBase64Url(old.x25519));
    expect(toBase64Url(r!.pendingKey!.x25519)).toBe(toBase64Url(later.x25519));
    expect(await codeOf(store.acceptKeyChange('erin', { x25519: new Uint8Array(3) } as never))).toBe(
      'bad_input',
    );
  });

  it('concurrent observations of two keys give one first contact and one key change', async () => {
    const store = new TrustStore(await makeStorage());
    const results = await Promise.all([store.observe('dave', key()), store.observe('dave', key())]);
    expect(results.map((r) => r.state).sort()).toEqual(['key-changed', 'unverified']);
    expect(results.filter((r) => r.firstContact)).toHaveLength(1);
  });

  it('refuses bad contact ids and keys; "__proto__" is an ordinary contact id', async () => {
    const store = new TrustStore(await makeStorage());
    expect(await codeOf(store.observe('', key()))).toBe('bad_input');
    expect(await codeOf(store.observe('x'.repeat(257), key()))).toBe('bad_input');
    const bad = { ed25519: new Uint8Array(32), x25519: new Uint8Array(32) };
    expect(await codeOf(store.observe('eve', bad))).toBe('bad_input');
    const k = key();
    expect((await store.observe('__proto__', k)).firstContact).toBe(true);
    expect((await store.observe('__proto__', k)).firstContact).toBe(false);
    expect(await store.list()).toContain('__proto__');
    await store.forget('__proto__');
    expect((await store.observe('__proto__', k)).firstContact).toBe(true);
  });
});

describe('TrustStore refuses corrupt records instead of treating the contact as new', () => {
  const good = async () => {
    const storage = new MemoryTrustStorage();
    await new TrustStore(storage).observe('bob', key());
    return { storage, record: (await storage.get('bob')) as Record<string, unknown> };
  };
  const corruptions: Array<[string, (r: Record<string, unknown>) => unknown]> = [
    ['not an object', () => 'bob'],
    ['array', () => []],
    ['unknown version', (r) => ({ ...r, v: 2 })],
    ['other contact id', (r) => ({ ...r, contactId: 'mallory' })],
    ['bad state', (r) => ({ ...r, state: 'trusted' })],
    ['truncated key', (r) => ({ ...r, key: String(r.key).slice(0, 40) })],
    ['key not base64url', (r) => ({ ...r, key: '!!!' })],
    ['firstSeen not a number', (r) => ({ ...r, firstSeen: 'yesterday' })],
    ['verified without verification', (r) => ({ ...r, state: 'verified' })],
    [
      'key-changed without pending key',
      (r) => ({ ...r, state: 'key-changed', changedAt: 1, previousState: 'unverified' }),
    ],
    ['pending key outside key-changed', (r) => ({ ...r, pendingKey: r.key })],
  ];
  it.each(corruptions)('%s', async (_name, corrupt) => {
    const { storage, record } = await good();
    await storage.put('bob', corrupt(record));
    const store = new TrustStore(storage);
    expect(await codeOf(store.observe('bob', key()))).toBe('corrupt_record');
    expect(await codeOf(store.get('bob'))).toBe('corrupt_record');
  });
});
