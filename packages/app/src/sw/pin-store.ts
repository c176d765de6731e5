// The pinned release, kept in the Cache API (available to the worker and durable across restarts):
// one cache per release holding its files, and a small JSON record naming the release in use.
import {
  isValidAssetPath,
  isValidVersion,
  keyLabel,
  parseVerifierKey,
  type VerifiedRelease,
} from '@sealpeer/client/release';

const STATE_CACHE = 'sealpeer-pin-state';
const RELEASE_CACHE_PREFIX = 'sealpeer-release-';

export interface PinnedRelease {
  readonly version: string;
  readonly manifestSha256: string;
  /** The pinned release key (verifier key string): only releases it signs are ever taken. */
  readonly vkey: string;
  readonly key: string;
  readonly files: Readonly<Record<string, string>>;
  readonly cacheName: string;
}

const stateUrl = (scope: string): string => new URL('__sealpeer/pinned.json', scope).href;

function parsePinned(v: unknown): PinnedRelease | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.version !== 'string' || !isValidVersion(o.version)) return undefined;
  if (typeof o.manifestSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.manifestSha256)) return undefined;
  if (typeof o.vkey !== 'string' || typeof o.cacheName !== 'string') return undefined;
  let key: string;
  try {
    key = keyLabel(parseVerifierKey(o.vkey));
  } catch {
    return undefined;
  }
  if (typeof o.files !== 'object' || o.files === null) return undefined;
  const files: Record<string, string> = Object.create(null);
  for (const [p, h] of Object.entries(o.files)) {
    if (!isValidAssetPath(p) || typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) return undefined;
    files[p] = h;
  }
  return {
    version: o.version,
    manifestSha256: o.manifestSha256,
    vkey: o.vkey,
    key,
    files,
    cacheName: o.cacheName,
  };
}

export async function loadPinned(scope: string): Promise<PinnedRelease | undefined> {
  const res = await (await caches.open(STATE_CACHE)).match(stateUrl(scope));
  if (!res) return undefined;
  try {
    return parsePinned(await res.json());
  } catch {
    return undefined;
  }
}

/** Stores a verified release's files, then (only then) switches the pin to it. */
export async function pinRelease(
  scope: string,
  rel: VerifiedRelease,
  vkey: string,
  responses: ReadonlyMap<string, Response>,
): Promise<PinnedRelease> {
  const cacheName = `${RELEASE_CACHE_PREFIX}${rel.manifestSha256}`;
  const cache = await caches.open(cacheName);
  for (const [path, res] of responses) await cache.put(new URL(path, scope).href, res);
  const pinned: PinnedRelease = {
    version: rel.version,
    manifestSha256: rel.manifestSha256,
    vkey,
    key: rel.key,
    files: rel.manifest.files,
    cacheName,
  };
  const body = JSON.stringify({ ...pinned, files: { ...rel.manifest.files } });
  await (await caches.open(STATE_CACHE)).put(
    stateUrl(scope),
    new Response(body, { headers: { 'content-type': 'application/json' } }),
  );
  return pinned;
}

/** Deletes the caches of releases other than the pinned one. */
export async function dropOldReleases(keep: string | undefined): Promise<void> {
  for (const name of await caches.keys())
    if (name.startsWith(RELEASE_CACHE_PREFIX) && name !== keep) await caches.delete(name);
}
