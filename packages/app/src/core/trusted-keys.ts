// Keyshare keys the app trusts without asking the relay (issue 15 §3, docs/keyshare.md §Built-in keys):
// the list built into the app release (packages/app/trusted-keyshares.json, or the file named by
// SEALPEER_TRUSTED_KEYSHARES at build time), the way the Go command carries sum.golang.org's key. The
// build validates it with these functions (build/trusted-keyshares.ts) and embeds it in the bundle,
// which the release manifest covers; the page validates it again on load. The relay's /api/config may
// name keyshare URLs but never a key (core/config.ts reads no key from it).
// Imports the client's keyshare key parsers by relative path: this module also runs inside the Vite
// config (the build), which cannot load the workspace package's TypeScript by its bare name.
import { parseVerifierKey } from '../../../client/src/keyshare/note.ts';
import { checkWitnessPins, type WitnessPins } from './witness-pins.ts';

/** One keyshare whose log verifier key (and witnesses) came from a source the relay does not control. */
export interface TrustedKeyshare {
  /** What the user sees, e.g. "Example keyshare". 1–64 characters. */
  readonly name: string;
  /** The keyshare's origin URL (http: or https:). */
  readonly url: string;
  /** The log's note verifier key, `name+hash+key`. */
  readonly verifierKey: string;
  /** Witnesses whose quorum must cosign every checkpoint, or null. */
  readonly witnesses: WitnessPins | null;
}

/** A key or list the user (or a build, or a linked device) gave that is not well-formed. */
export class KeyInputError extends Error {
  override readonly name = 'KeyInputError';
  readonly code = 'bad_key';
  constructor(
    /** The field, as the form or file names it (e.g. "Log verifier key", "keyshares[0].url"). */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** At most this many keyshares in a built-in list or a device-link transfer. */
export const MAX_TRUSTED_KEYSHARES = 16;
const MAX_NAME = 64;
const MAX_URL = 2048;
const MAX_KEY = 512;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A pasted (or stored, or transferred) log verifier key, checked with the client's own parser: trimmed,
 * or a KeyInputError naming `field` and what is wrong (e.g. "Log verifier key: the key ID does not match").
 */
export function checkVerifierKey(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new KeyInputError(field, 'expected a string (name+hash+key)');
  const text = v.trim();
  if (text === '')
    throw new KeyInputError(field, 'empty: paste the key its operator publishes (name+hash+key)');
  if (text.length > MAX_KEY) throw new KeyInputError(field, `longer than ${MAX_KEY} characters`);
  try {
    parseVerifierKey(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new KeyInputError(field, `not a valid verifier key (${why}); expected name+hash+key`);
  }
  return text;
}

/** A keyshare URL: http(s), no credentials, no fragment; returned as its origin. */
export function checkKeyshareUrl(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_URL)
    throw new KeyInputError(field, `expected a URL of 1 to ${MAX_URL} characters`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new KeyInputError(field, 'not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new KeyInputError(field, 'expected an http: or https: URL');
  if (u.username || u.password || u.hash) throw new KeyInputError(field, 'no credentials or fragment');
  return u.origin;
}

function checkName(v: unknown, field: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(v))
    throw new KeyInputError(field, `expected 1 to ${MAX_NAME} printable characters`);
  return v.trim();
}

function checkWitnesses(v: unknown, field: string): WitnessPins | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) throw new KeyInputError(field, 'expected {keys, quorum} or null');
  const { keys, quorum } = v;
  if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string'))
    throw new KeyInputError(`${field}.keys`, 'expected a list of witness keys (strings)');
  if (typeof quorum !== 'number') throw new KeyInputError(`${field}.quorum`, 'expected a number');
  try {
    return checkWitnessPins(keys, quorum);
  } catch (err) {
    throw new KeyInputError(field, err instanceof Error ? err.message : String(err));
  }
}

/** One keyshare entry of untrusted JSON (a list file, a transfer); names the bad field. */
export function parseTrustedKeyshare(v: unknown, where: string): TrustedKeyshare {
  if (!isRecord(v)) throw new KeyInputError(where, 'expected an object');
  const verifierKey = checkVerifierKey(v.verifierKey, `${where}.verifierKey`);
  return {
    name:
      v.name === undefined
        ? verifierKey.slice(0, verifierKey.indexOf('+')).slice(0, MAX_NAME)
        : checkName(v.name, `${where}.name`),
    url: checkKeyshareUrl(v.url, `${where}.url`),
    verifierKey,
    witnesses: checkWitnesses(v.witnesses, `${where}.witnesses`),
  };
}

/** A list of keyshares (at most 16, one per URL), each checked; names the bad field. */
export function parseKeyshareList(v: unknown, where: string): TrustedKeyshare[] {
  if (!Array.isArray(v) || v.length > MAX_TRUSTED_KEYSHARES)
    throw new KeyInputError(where, `expected a list of at most ${MAX_TRUSTED_KEYSHARES}`);
  const out = v.map((e, i) => parseTrustedKeyshare(e, `${where}[${i}]`));
  const urls = new Set<string>();
  for (const [i, k] of out.entries()) {
    if (urls.has(k.url)) throw new KeyInputError(`${where}[${i}].url`, `${k.url} is listed twice`);
    urls.add(k.url);
  }
  return out;
}

/**
 * The built-in list file: `{"sealpeerTrustedKeyshares": 1, "keyshares": [{name, url, verifierKey,
 * witnesses?}]}` (docs/keyshare.md §Built-in keys). Other top-level fields (e.g. a comment) are ignored.
 */
export function parseTrustedList(v: unknown): TrustedKeyshare[] {
  if (!isRecord(v)) throw new KeyInputError('trusted keyshares', 'expected a JSON object');
  if (v.sealpeerTrustedKeyshares !== 1)
    throw new KeyInputError('sealpeerTrustedKeyshares', 'expected 1 (not a sealpeer trusted-keyshares file)');
  return parseKeyshareList(v.keyshares, 'keyshares');
}

/** The JSON the build embeds (and writes to dist/trusted-keyshares.json): one canonical form. */
export function serializeTrustedList(list: readonly TrustedKeyshare[]): string {
  return `${JSON.stringify({ sealpeerTrustedKeyshares: 1, keyshares: list }, null, 2)}\n`;
}

declare const __SEALPEER_TRUSTED_KEYSHARES__: string | undefined;

/**
 * The keyshares built into this app release (empty outside a Vite build, e.g. in unit tests). Checked
 * again here: a list that does not parse is no list (the build refuses one anyway).
 */
export function builtinKeyshares(): readonly TrustedKeyshare[] {
  const raw = typeof __SEALPEER_TRUSTED_KEYSHARES__ === 'string' ? __SEALPEER_TRUSTED_KEYSHARES__ : '';
  if (raw === '') return [];
  try {
    return parseTrustedList(JSON.parse(raw));
  } catch {
    return [];
  }
}
