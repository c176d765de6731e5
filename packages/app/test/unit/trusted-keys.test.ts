// Keyshare keys from sources the relay does not control (issue 15 §3, docs/keyshare.md §Built-in keys):
// the built-in list file is validated at build time (a bad entry fails the build naming the field and
// the file), a pasted key that is malformed names the form field, and a relay's /api/config that offers
// keys brings none: the app config has no place for one and the contact book never takes one from it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity, TrustStore } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { ready } from '@sealpeer/client/keyshare';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTrustedKeyshares } from '../../build/trusted-keyshares.ts';
import { parseConfig } from '../../src/core/config.ts';
import { ContactBook, VERIFIER_FIELD } from '../../src/core/contacts.ts';
import {
  checkVerifierKey,
  KeyInputError,
  MAX_TRUSTED_KEYSHARES,
  parseTrustedList,
  type TrustedKeyshare,
} from '../../src/core/trusted-keys.ts';
import { memoryKv } from './memory-kv.ts';

const key = keyshare.formatVerifierKey(keyshare.generateNoteSigner('keys.example/log'));
const other = keyshare.formatVerifierKey(keyshare.generateNoteSigner('relay.example/log'));
const witness = keyshare.formatCosignerKey(keyshare.generateCosigner('witness.example'));
const entry = { name: 'Example keyshare', url: 'https://keys.example', verifierKey: key };
const file = (keyshares: unknown) => ({ sealpeerTrustedKeyshares: 1, keyshares });

/** The field a KeyInputError names, or a failure when `fn` does not throw one. */
function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeyInputError);
    return (err as KeyInputError).field;
  }
  throw new Error('expected a KeyInputError');
}

describe('a pasted verifier key names the field', () => {
  it('accepts a well-formed key (trimmed)', () => {
    expect(checkVerifierKey(`  ${key}\n`, VERIFIER_FIELD)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['not a key', 'hello'],
    ['cut short', key.slice(0, 20)],
    ['a flipped key ID', key.replace(/\+([0-9a-f])/, (_m, c: string) => `+${c === '0' ? '1' : '0'}`)],
    ['a private key', 'PRIVATE+KEY+x+00000000+AAAA'],
    ['too long', `a+${'0'.repeat(600)}`],
  ])('%s → KeyInputError naming "Log verifier key"', (_what, text) => {
    expect(text).not.toBe(key);
    try {
      checkVerifierKey(text, VERIFIER_FIELD);
      expect.unreachable('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(KeyInputError);
      expect((err as KeyInputError).code).toBe('bad_key');
      expect((err as Error).message).toMatch(/^Log verifier key: /);
    }
  });

  it('a wrong type names the field', () => {
    expect(fieldOf(() => checkVerifierKey(42, 'keyshares[3].verifierKey'))).toBe('keyshares[3].verifierKey');
  });

  it('the contact book refuses a malformed pasted key before any request, naming the field', async () => {
    await ready();
    const book = new ContactBook(new TrustStore(), memoryKv(), Identity.generate(), []);
    // The URL is unreachable on purpose: the key must be refused first (no network error).
    await expect(book.lookup('http://127.0.0.1:9', 'not-a-key', 'bob')).rejects.toThrow(
      /^Log verifier key: not a valid verifier key/,
    );
    await expect(book.publishOwn('http://127.0.0.1:9', '', 'bob')).rejects.toThrow(
      /^Log verifier key: empty/,
    );
  });
});

describe('the built-in list file (parseTrustedList)', () => {
  it('parses a list, normalizes URLs to origins, keeps witnesses', () => {
    const list = parseTrustedList(
      file([{ ...entry, url: 'https://keys.example/', witnesses: { keys: [witness], quorum: 1 } }]),
    );
    expect(list).toEqual([
      { ...entry, url: 'https://keys.example', witnesses: { keys: [witness], quorum: 1 } },
    ]);
    expect(parseTrustedList(file([]))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'trusted keyshares'],
    ['wrong version', { sealpeerTrustedKeyshares: 2, keyshares: [] }, 'sealpeerTrustedKeyshares'],
    ['keyshares not a list', { sealpeerTrustedKeyshares: 1, keyshares: {} }, 'keyshares'],
    [
      'too many',
      file(
        Array.from({ length: MAX_TRUSTED_KEYSHARES + 1 }, (_, i) => ({
          ...entry,
          url: `https://k${i}.example`,
        })),
      ),
      'keyshares',
    ],
    ['entry not an object', file(['x']), 'keyshares[0]'],
    ['bad key', file([{ ...entry, verifierKey: 'nope' }]), 'keyshares[0].verifierKey'],
    ['key of wrong type', file([{ ...entry, verifierKey: 7 }]), 'keyshares[0].verifierKey'],
    ['javascript: URL', file([{ ...entry, url: 'javascript:alert(1)' }]), 'keyshares[0].url'],
    ['URL with credentials', file([{ ...entry, url: 'https://u:p@keys.example' }]), 'keyshares[0].url'],
    ['URL of wrong type', file([{ ...entry, url: null }]), 'keyshares[0].url'],
    ['name with a control character', file([{ ...entry, name: 'a\u0007b' }]), 'keyshares[0].name'],
    ['name too long', file([{ ...entry, name: 'n'.repeat(65) }]), 'keyshares[0].name'],
    ['witnesses not an object', file([{ ...entry, witnesses: 'w' }]), 'keyshares[0].witnesses'],
    [
      'witness keys not strings',
      file([{ ...entry, witnesses: { keys: [1], quorum: 1 } }]),
      'keyshares[0].witnesses.keys',
    ],
    [
      'bad witness key',
      file([{ ...entry, witnesses: { keys: ['w+1+2'], quorum: 1 } }]),
      'keyshares[0].witnesses',
    ],
    [
      'quorum too high',
      file([{ ...entry, witnesses: { keys: [witness], quorum: 2 } }]),
      'keyshares[0].witnesses',
    ],
    ['same URL twice', file([entry, { ...entry, verifierKey: other }]), 'keyshares[1].url'],
  ])('%s → names %s', (_what, value, field) => {
    expect(fieldOf(() => parseTrustedList(value))).toBe(field);
  });
});

describe('resolving the list at build time (build/trusted-keyshares.ts)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sealpeer-trusted-'));
  const checkedIn = join(root, 'trusted-keyshares.json');
  writeFileSync(checkedIn, JSON.stringify(file([])));

  it('uses the checked-in file by default, and the checked-in file of this repo is valid', () => {
    expect(resolveTrustedKeyshares(undefined, {}, root)).toMatchObject({ source: checkedIn, list: [] });
    const repo = resolveTrustedKeyshares(undefined, {}, join(import.meta.dirname, '../..'));
    expect(repo.source).toMatch(/trusted-keyshares\.json$/);
    expect(Array.isArray(repo.list)).toBe(true);
  });

  it('SEALPEER_TRUSTED_KEYSHARES names a file, or holds the JSON itself; the option wins over both', () => {
    const own = join(root, 'own.json');
    writeFileSync(own, JSON.stringify(file([entry])));
    const env = { SEALPEER_TRUSTED_KEYSHARES: own };
    const r = resolveTrustedKeyshares(undefined, env, root);
    expect(r.source).toBe(own);
    expect(r.list.map((k) => k.verifierKey)).toEqual([key]);
    expect(JSON.parse(r.json)).toEqual(file([{ ...entry, witnesses: null }]));
    const inline = resolveTrustedKeyshares(
      undefined,
      { SEALPEER_TRUSTED_KEYSHARES: JSON.stringify(file([entry])) },
      root,
    );
    expect(inline.source).toBe('SEALPEER_TRUSTED_KEYSHARES');
    expect(inline.list).toHaveLength(1);
    expect(resolveTrustedKeyshares(checkedIn, env, root).list).toEqual([]);
  });

  it('a bad list fails the build naming the source and the field; a missing file or bad JSON too', () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify(file([{ ...entry, verifierKey: `${key}x` }])));
    expect(() => resolveTrustedKeyshares(bad, {}, root)).toThrow(
      /^trusted keyshares \(.*bad\.json\): keyshares\[0\]\.verifierKey: /,
    );
    expect(() => resolveTrustedKeyshares(join(root, 'missing.json'), {}, root)).toThrow(/does not exist/);
    writeFileSync(bad, '{"sealpeerTrustedKeyshares": 1, ');
    expect(() => resolveTrustedKeyshares(bad, {}, root)).toThrow(/not JSON/);
  });
});

describe('the relay is never the source of a verifier key', () => {
  // A relay that would name its own log: keys in every shape it might try.
  const hostile = {
    wsUrl: 'ws://relay.example/ws',
    iceServers: [],
    keyshareUrls: ['https://relay-log.example'],
    keyshares: [{ url: 'https://relay-log.example', verifierKey: other }],
    verifierKey: other,
    keyshareVerifierKeys: { 'https://relay-log.example': other },
    trustedKeyshares: file([{ ...entry, url: 'https://relay-log.example', verifierKey: other }]),
  };

  it('/api/config: only URLs are read; no key reaches the app config', () => {
    const cfg = parseConfig(hostile, 'http://relay.example');
    expect(Object.keys(cfg).sort()).toEqual(['iceServers', 'keyshareUrls', 'server', 'turn', 'wsUrl']);
    expect(JSON.stringify(cfg)).not.toContain(other.slice(other.indexOf('+') + 1));
  });

  it('the contact book knows no key for a relay-listed keyshare; the built-in one wins for its URL', async () => {
    await ready();
    const builtin: TrustedKeyshare[] = [{ ...entry, url: 'https://keys.example', witnesses: null }];
    const kv = memoryKv();
    const book = new ContactBook(new TrustStore(), kv, Identity.generate(), builtin);
    const cfg = parseConfig(hostile, 'http://relay.example');
    for (const url of cfg.keyshareUrls) expect(await book.pinnedVerifier(url)).toBeUndefined();
    expect(await book.pinnedVerifier('https://keys.example/')).toBe(key);
    // Even a key pinned on this device for the built-in URL does not replace the built-in one.
    await kv.put('keyshare-verifier|https://keys.example', other);
    expect(await book.pinnedVerifier('https://keys.example')).toBe(key);
    expect((await book.knownKeyshares()).map((k) => [k.url, k.source])).toEqual([
      ['https://keys.example', 'built-in'],
    ]);
  });

  it('a keyshare pinned from a verified source is offered as pinned, with its witnesses', async () => {
    await ready();
    const book = new ContactBook(new TrustStore(), memoryKv(), Identity.generate(), []);
    await book.pinKeyshare({ ...entry, witnesses: { keys: [witness], quorum: 1 } });
    const known = await book.knownKeyshares();
    expect(known).toEqual([
      {
        name: 'keys.example/log',
        url: 'https://keys.example',
        verifierKey: key,
        witnesses: { keys: [witness], quorum: 1 },
        source: 'pinned',
      },
    ]);
    await expect(book.pinKeyshare({ ...entry, verifierKey: 'bad', witnesses: null })).rejects.toThrow(
      /^Log verifier key: /,
    );
  });
});

describe('what a page without a build-time list gets', () => {
  beforeAll(ready);
  it('builtinKeyshares() is empty outside a Vite build (no define)', async () => {
    const { builtinKeyshares } = await import('../../src/core/trusted-keys.ts');
    expect(builtinKeyshares()).toEqual([]);
  });
});
