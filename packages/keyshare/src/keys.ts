// The log's Ed25519 signing key: created on first start in the data dir (file `log-key`, mode 0600,
// signed-note signer-key format `PRIVATE+KEY+<name>+<id>+<base64>`), loaded afterwards.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';

export const LOG_KEY_FILE = 'log-key';

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** How one kind of key file is read, written and created (log key: note 0x01; witness: 0x04). */
export interface KeyFileKind {
  readonly file: string;
  readonly what: string;
  /** What the key name is called in messages: 'origin' (a log) or 'name' (a witness). */
  readonly nameIs: string;
  readonly flag: string;
  readonly defaultName: string;
  parse(text: string): keyshare.NoteSigner;
  format(s: keyshare.NoteSigner): string;
  generate(name: string): keyshare.NoteSigner;
}

export const LOG_KEY: KeyFileKind = {
  file: LOG_KEY_FILE,
  what: 'log key',
  nameIs: 'origin',
  flag: '--origin-name',
  defaultName: 'localhost/sealpeer-keyshare',
  parse: keyshare.parseSignerKey,
  format: keyshare.formatSignerKey,
  generate: keyshare.generateNoteSigner,
};

/**
 * Loads the key file, or creates one named `name` when the data dir has none. With an existing key,
 * `name` (when given) must equal the key's name: a log cannot change its origin, a witness its name.
 */
export function loadOrCreateKey(
  kind: KeyFileKind,
  dataDir: string,
  name: string | undefined,
): { signer: keyshare.NoteSigner; created: boolean } {
  ensureDataDir(dataDir);
  const path = join(dataDir, kind.file);
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    let signer: keyshare.NoteSigner;
    try {
      signer = kind.parse(readFileSync(path, 'utf8').trim());
    } catch (err) {
      throw new KeyFileError(
        `${path} is not a valid ${kind.what} (${(err as Error).message}); restore it from backup`,
      );
    }
    if (name !== undefined && name !== signer.name) {
      throw new KeyFileError(
        `the ${kind.what} in ${dataDir} is for ${kind.nameIs} "${signer.name}", not "${name}": drop ${kind.flag} or use another --data-dir`,
      );
    }
    return { signer, created: false };
  }
  const chosen = name ?? kind.defaultName;
  if (!keyshare.isValidKeyName(chosen)) {
    throw new KeyFileError(`${kind.flag} "${chosen}" is not a valid key name (no spaces, no '+')`);
  }
  const signer = kind.generate(chosen);
  writeFileSync(path, `${kind.format(signer)}\n`, { mode: 0o600, flag: 'wx' });
  return { signer, created: true };
}

/** The log key of a keyshare data dir (see loadOrCreateKey). */
export function loadOrCreateLogKey(
  dataDir: string,
  originName: string | undefined,
): { signer: keyshare.NoteSigner; created: boolean } {
  return loadOrCreateKey(LOG_KEY, dataDir, originName);
}

/** The verifier key of an existing data dir, for `sealpeer-keyshare key`. */
export function readVerifierKey(dataDir: string): string {
  const path = join(dataDir, LOG_KEY_FILE);
  if (!existsSync(path))
    throw new KeyFileError(`no log key in ${dataDir}: start the keyshare once to create it`);
  return keyshare.formatVerifierKey(keyshare.parseSignerKey(readFileSync(path, 'utf8').trim()));
}
