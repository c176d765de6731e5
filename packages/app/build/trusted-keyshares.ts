// Which keyshare keys a build embeds (docs/keyshare.md §Built-in keys): the list in, in order, the
// `trustedKeyshares` plugin option (a file path), the SEALPEER_TRUSTED_KEYSHARES environment variable (the
// path of a JSON file, or the JSON itself when it starts with `{`), or the checked-in
// packages/app/trusted-keyshares.json. Validated here: a bad key fails the build, naming the field.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustedList, serializeTrustedList, type TrustedKeyshare } from '../src/core/trusted-keys.ts';

/** The checked-in list, relative to the app package. */
export const TRUSTED_KEYSHARES_FILE = 'trusted-keyshares.json';

export interface ResolvedTrustedKeyshares {
  /** Where the list came from (a path, or "SEALPEER_TRUSTED_KEYSHARES"). */
  source: string;
  list: TrustedKeyshare[];
  /** The canonical JSON embedded in the bundle and written to dist/trusted-keyshares.json. */
  json: string;
}

export function resolveTrustedKeyshares(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  appRoot: string,
): ResolvedTrustedKeyshares {
  const chosen = option ?? env.SEALPEER_TRUSTED_KEYSHARES;
  let source: string;
  let text: string;
  if (chosen?.trim().startsWith('{')) {
    source = 'SEALPEER_TRUSTED_KEYSHARES';
    text = chosen;
  } else {
    source = chosen !== undefined && chosen.trim() !== '' ? chosen : join(appRoot, TRUSTED_KEYSHARES_FILE);
    if (!existsSync(source)) throw new Error(`trusted keyshares: ${source} does not exist`);
    text = readFileSync(source, 'utf8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`trusted keyshares (${source}): not JSON`);
  }
  try {
    const list = parseTrustedList(value);
    return { source, list, json: serializeTrustedList(list) };
  } catch (err) {
    throw new Error(`trusted keyshares (${source}): ${err instanceof Error ? err.message : String(err)}`);
  }
}
