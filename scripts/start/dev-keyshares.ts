// `npm start` runs its own keyshare with a key generated on this computer. So that the app it serves
// offers that keyshare without a paste — and without ever taking a key from the relay — the launcher
// makes (or loads) the keyshare's log key itself before either service starts, writes a built-in list
// (docs/keyshare.md §Built-in keys) to DATA/trusted-keyshares.dev.json naming it, and builds the app with
// SEALPEER_TRUSTED_KEYSHARES pointing there. The relay never writes or serves this file: the key goes
// from the keyshare's data dir into the app build on the same computer, as a release key would.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import { loadOrCreateLogKey } from '../../packages/keyshare/src/keys.ts';

export const DEV_LIST_FILE = 'trusted-keyshares.dev.json';

/** The `--origin-name` the keyshare will be started with, if its arguments name one. */
function originName(args: readonly string[]): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a === '--origin-name') return args[i + 1];
    if (a.startsWith('--origin-name=')) return a.slice('--origin-name='.length);
  }
  return undefined;
}

/**
 * Ensures the keyshare's log key exists in `keyshareDir` and that `dataDir/trusted-keyshares.dev.json`
 * lists it at `url` (rewritten only when it changed, so the app is not rebuilt for nothing). Returns
 * the list file and the verifier key.
 */
export function writeDevKeyshareList(
  dataDir: string,
  keyshareDir: string,
  url: string,
  keyshareArgs: readonly string[],
): { file: string; verifierKey: string } {
  const { signer } = loadOrCreateLogKey(keyshareDir, originName(keyshareArgs));
  const verifierKey = keyshare.formatVerifierKey(signer);
  const text = `${JSON.stringify(
    {
      sealpeerTrustedKeyshares: 1,
      comment:
        'Written by npm start for its own keyshare (scripts/start/dev-keyshares.ts). Not for releases.',
      keyshares: [{ name: 'npm start keyshare (this computer)', url, verifierKey }],
    },
    null,
    2,
  )}\n`;
  const file = join(dataDir, DEV_LIST_FILE);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return { file, verifierKey };
}
