import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity, IdentityError, TrustStore } from '../../src/identity/index.ts';
import { FileIdentityStore, FileTrustStorage } from '../../src/identity/node-file.ts';
import { codeOfAsync as codeOf } from '../crypto/error-code.ts';

await ready();

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sealpeer-id-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('FileIdentityStore', () => {
  it('writes the identity 0600 in a 0700 folder, atomically, and loads the same keys', async () => {
    const dir = await tempDir();
    const path = join(dir, 'nested', 'identity.json');
    const store = new FileIdentityStore(path);
    expect(await store.load()).toBeUndefined();
    const a = await Identity.loadOrCreate(store);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'nested'))).toEqual(['identity.json']); // no temporary files left
    const b = await new FileIdentityStore(path).load();
    expect(toHex(b!.publicKey)).toBe(toHex(a.publicKey));
    expect(toHex((await Identity.loadOrCreate(store)).publicKey)).toBe(toHex(a.publicKey));
  });

  it('refuses an identity file other users can read, with a hint to chmod 600', async () => {
    const path = join(await tempDir(), 'identity.json');
    const store = new FileIdentityStore(path);
    await store.save(Identity.generate());
    await chmod(path, 0o644);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityError);
    expect((err as IdentityError).code).toBe('insecure_file');
    expect((err as IdentityError).message).toContain('chmod 600');
  });

  it('refuses corrupt, oversize or truncated identity files (never regenerates over them)', async () => {
    const path = join(await tempDir(), 'identity.json');
    const store = new FileIdentityStore(path);
    const good = Identity.generate().export();
    for (const [text, code] of [
      ['not json', 'bad_format'],
      [good.slice(0, good.length - 10), 'bad_format'],
      [' '.repeat(10_000), 'bad_format'],
      [good.replace('"version":1', '"version":9'), 'unsupported_version'],
    ] as const) {
      await writeFile(path, text, { mode: 0o600 });
      expect(await codeOf(store.load()), text.slice(0, 20)).toBe(code);
      expect(await codeOf(Identity.loadOrCreate(store))).toBe(code);
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('reports a folder in place of the file as storage_failed', async () => {
    const dir = await tempDir();
    expect(await codeOf(new FileIdentityStore(dir).load())).toBe('storage_failed');
    expect(await codeOf(new FileIdentityStore(join(dir, 'x', '\0bad')).save(Identity.generate()))).toBe(
      'storage_failed',
    );
  });
});

describe('FileTrustStorage', () => {
  it('persists contacts in a 0600 file that a new process (new store) reads back', async () => {
    const path = join(await tempDir(), 'trust.json');
    const k = Identity.generate().publicIdentity;
    await new TrustStore(new FileTrustStorage(path)).observe('bob', k);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = new TrustStore(new FileTrustStorage(path));
    expect((await again.observe('bob', k)).firstContact).toBe(false);
  });

  it('a corrupt or foreign trust file is corrupt_record, and nothing is overwritten', async () => {
    const path = join(await tempDir(), 'trust.json');
    for (const text of ['{', '[]', '{"v":2,"contacts":{}}', '{"v":1}']) {
      await writeFile(path, text, { mode: 0o600 });
      const store = new TrustStore(new FileTrustStorage(path));
      expect(await codeOf(store.observe('bob', Identity.generate().publicIdentity)), text).toBe(
        'corrupt_record',
      );
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });
});
