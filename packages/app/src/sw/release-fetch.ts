// Fetching a release from the server that serves the app, checking every byte against the signed
// manifest before anything is kept. Never reads from HTTP caches (cache: 'no-store').
import {
  checkAsset,
  MANIFEST_FILE,
  type Manifest,
  type NoteVerifier,
  RELEASE_NOTE_FILE,
  ReleaseError,
  sha256Hex,
  type VerifiedRelease,
  verifyRelease,
} from '@sealpeer/client/release';

/** Largest single file we fetch (the whole app is well under this). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** A failure to reach the server at all (not an integrity problem). */
export class OfflineError extends Error {
  override readonly name = 'OfflineError';
}

export async function fetchFile(
  scope: string,
  path: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; res: Response }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, scope).href, {
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (err) {
    throw new OfflineError(`cannot fetch ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok)
    throw new ReleaseError('asset_missing', `${path}: the server answered HTTP ${res.status}`, path);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_FILE_BYTES) throw new ReleaseError('asset_mismatch', `${path} is too large`, path);
  return { bytes, res };
}

/** A verified release with the signed bytes it was verified from (kept with the pinned copy). */
export interface FetchedRelease {
  readonly rel: VerifiedRelease;
  readonly signed: { note: Uint8Array<ArrayBuffer>; manifest: Uint8Array<ArrayBuffer> };
}

/** Fetches release.note and manifest.json and verifies them with `verifier`. */
export async function fetchRelease(scope: string, verifier: NoteVerifier): Promise<FetchedRelease> {
  const [note, manifest] = await Promise.all([
    fetchFile(scope, RELEASE_NOTE_FILE),
    fetchFile(scope, MANIFEST_FILE),
  ]);
  return {
    rel: verifyRelease(note.bytes, manifest.bytes, verifier),
    signed: { note: note.bytes, manifest: manifest.bytes },
  };
}

/** Fetches every file of a verified release; each must match the manifest. */
export async function downloadRelease(scope: string, manifest: Manifest): Promise<Map<string, Response>> {
  const out = new Map<string, Response>();
  for (const path of Object.keys(manifest.files)) {
    const { bytes, res } = await fetchFile(scope, path);
    checkAsset(manifest, path, bytes);
    out.set(path, new Response(bytes, { status: 200, statusText: 'OK', headers: res.headers }));
  }
  return out;
}

/** Checks that the server still serves exactly `files`; throws asset_mismatch naming the first that differs. */
export async function auditRelease(scope: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, want] of Object.entries(files)) {
    const { bytes } = await fetchFile(scope, path);
    if (sha256Hex(bytes) !== want)
      throw new ReleaseError('asset_mismatch', `${path} differs from the pinned release`, path);
  }
}
