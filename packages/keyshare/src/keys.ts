// The log's Ed25519 signing key: created on first start in the data dir (file `log-key`, mode 0600,
// signed-note signer-key format `PRIVATE+KEY+<name>+<id>+<base64>`), loaded afterwards.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyshare } from '@sealpeer/client';

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

/**
 * Loads the log key, or creates one named `originName` when the data dir has none. With an existing
 * key, `originName` (when given) must equal the key's name: a log cannot change its origin.
 */
export function loadOrCreateLogKey(
  dataDir: string,
  originName: string | undefined,
): { signer: keyshare.NoteSigner; created: boolean } {
  ensureDataDir(dataDir);
  const path = join(dataDir, LOG_KEY_FILE);
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    let signer: keyshare.NoteSigner;
    try {
      signer = keyshare.parseSignerKey(readFileSync(path, 'utf8').trim());
    } catch (err) {
      throw new KeyFileError(
        `${path} is not a valid log key (${(err as Error).message}); restore it from backup`,
      );
    }
    if (originName !== undefined && originName !== signer.name) {
      throw new KeyFileError(
        `the log key in ${dataDir} is for origin "${signer.name}", not "${originName}": drop --origin-name or use another --data-dir`,
      );
    }
    return { signer, created: false };
  }
  const name = originName ?? 'localhost/sealpeer-keyshare';
  if (!keyshare.isValidKeyName(name)) {
    throw new KeyFileError(`--origin-name "${name}" is not a valid key name (no spaces, no '+')`);
  }
  const signer = keyshare.generateNoteSigner(name);
  writeFileSync(path, `${keyshare.formatSignerKey(signer)}\n`, { mode: 0o600, flag: 'wx' });
  return { signer, created: true };
}

/** The verifier key of an existing data dir, for `sealpeer-keyshare key`. */
export function readVerifierKey(dataDir: string): string {
  const path = join(dataDir, LOG_KEY_FILE);
  if (!existsSync(path))
    throw new KeyFileError(`no log key in ${dataDir}: start the keyshare once to create it`);
  return keyshare.formatVerifierKey(keyshare.parseSignerKey(readFileSync(path, 'utf8').trim()));
}
