// Which release key a build embeds (the key the service worker pins on first visit). From, in order:
// the `releaseKey` plugin option, the SEALPEER_RELEASE_KEY environment variable (a verifier key string or
// the path of a file holding one), or none: an unsigned development build, which does not pin.
import { existsSync, readFileSync } from 'node:fs';
import { parseVerifierKey } from '../../client/src/release/index.ts';

export function resolveReleaseKey(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const raw = option ?? env.SEALPEER_RELEASE_KEY;
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.includes('+') ? raw : existsSync(raw) ? readFileSync(raw, 'utf8') : raw;
  // Validate now: a typo must fail the build, not ship an app that can never verify an update.
  return formatChecked(text.trim());
}

function formatChecked(vkey: string): string {
  parseVerifierKey(vkey);
  return vkey;
}
