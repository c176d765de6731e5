// The pinned release, kept in the Cache API: one cache per release holding its files plus the signed
// release.note and manifest.json that describe it. Pages of the origin can write the Cache API too, so
// nothing read back from it is trusted as stored: a release counts as pinned only when its note verifies
// with the release key compiled into this worker and its manifest is the one the note signs; each file
// is checked against that manifest again when it is served (docs/operators/app-hosting.md, "Pinning").
import {
  compareVersions,
  MANIFEST_FILE,
  type NoteVerifier,
  RELEASE_NOTE_FILE,
  ReleaseError,
  sha256Hex,
  type VerifiedRelease,
  verifyRelease,
} from '@sealpeer/client/release';

const RELEASE_CACHE_PREFIX = 'sealpeer-release-';

export interface PinnedRelease {
  readonly version: string;
  readonly manifestSha256: string;
  /** `<name>+<hex8 key ID>` of the release key that verified it (always the compiled-in key). */
  readonly key: string;
  readonly files: Readonly<Record<string, string>>;
  readonly cacheName: string;
}

const cacheNameOf = (manifestSha256: string): string => `${RELEASE_CACHE_PREFIX}${manifestSha256}`;

async function bytesOf(cache: Cache, url: string): Promise<Uint8Array | undefined> {
  const res = await cache.match(url);
  return res ? new Uint8Array(await res.arrayBuffer()) : undefined;
}

/** The release held in cache `name`, if its note and manifest verify with `verifier`. */
async function verifiedCache(
  scope: string,
  name: string,
  verifier: NoteVerifier,
): Promise<PinnedRelease | undefined> {
  const cache = await caches.open(name);
  const note = await bytesOf(cache, new URL(RELEASE_NOTE_FILE, scope).href);
  const manifest = await bytesOf(cache, new URL(MANIFEST_FILE, scope).href);
  if (!note || !manifest) return undefined;
  let rel: VerifiedRelease;
  try {
    rel = verifyRelease(note, manifest, verifier);
  } catch (err) {
    if (err instanceof ReleaseError) return undefined;
    throw err;
  }
  if (cacheNameOf(rel.manifestSha256) !== name) return undefined;
  return {
    version: rel.version,
    manifestSha256: rel.manifestSha256,
    key: rel.key,
    files: rel.manifest.files,
    cacheName: name,
  };
}

/**
 * The pinned release: the newest release cache whose note verifies with `verifier` (the compiled-in
 * key). A cache a page wrote with another key's note, or with a manifest the note does not sign, is
 * ignored; a page can delete the pin (then the worker pins again from the server, trust on first use),
 * never replace it with a release the key did not sign.
 */
export async function loadPinned(scope: string, verifier: NoteVerifier): Promise<PinnedRelease | undefined> {
  let best: PinnedRelease | undefined;
  for (const name of await caches.keys()) {
    if (!name.startsWith(RELEASE_CACHE_PREFIX)) continue;
    const p = await verifiedCache(scope, name, verifier);
    if (p && (!best || compareVersions(p.version, best.version) > 0)) best = p;
  }
  return best;
}

/**
 * Stores a verified release's files, then (only then) its note and manifest: a cache without them is
 * not a release, so an interrupted download never becomes the pin.
 */
export async function pinRelease(
  scope: string,
  rel: VerifiedRelease,
  signed: { note: Uint8Array<ArrayBuffer>; manifest: Uint8Array<ArrayBuffer> },
  responses: ReadonlyMap<string, Response>,
): Promise<PinnedRelease> {
  const cacheName = cacheNameOf(rel.manifestSha256);
  const cache = await caches.open(cacheName);
  for (const [path, res] of responses) await cache.put(new URL(path, scope).href, res);
  const text = { headers: { 'content-type': 'text/plain; charset=utf-8' } };
  await cache.put(new URL(MANIFEST_FILE, scope).href, new Response(signed.manifest, text));
  await cache.put(new URL(RELEASE_NOTE_FILE, scope).href, new Response(signed.note, text));
  return {
    version: rel.version,
    manifestSha256: rel.manifestSha256,
    key: rel.key,
    files: rel.manifest.files,
    cacheName,
  };
}

/**
 * The pinned copy of `path`, checked against the verified manifest; undefined when the cache lacks it
 * or holds other bytes (something wrote to this browser's storage).
 */
export async function pinnedResponse(
  scope: string,
  p: PinnedRelease,
  path: string,
): Promise<Response | undefined> {
  const want = p.files[path];
  if (want === undefined) return undefined;
  const hit = await (await caches.open(p.cacheName)).match(new URL(path, scope).href);
  if (!hit) return undefined;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  if (sha256Hex(bytes) !== want) return undefined;
  return new Response(bytes, { status: 200, statusText: 'OK', headers: hit.headers });
}

/** Deletes the caches of releases other than the pinned one (and the old pin record, if any). */
export async function dropOldReleases(keep: string | undefined): Promise<void> {
  for (const name of await caches.keys())
    if ((name.startsWith(RELEASE_CACHE_PREFIX) && name !== keep) || name === 'sealpeer-pin-state')
      await caches.delete(name);
}
