// Verifying a release: the signed note against the pinned key, manifest.json against the note, and each
// served file against the manifest. Pure functions over bytes; fetching is the caller's job (the CLI in
// src/cli/verify-app.ts, the service worker in packages/app/src/sw).
import { ReleaseError } from './errors.ts';
import { compareVersions, type Manifest, parseManifest, sha256Hex } from './manifest.ts';
import { keyLabel, type NoteVerifier, openNote } from './note.ts';
import { parseStatement } from './statement.ts';

export interface VerifiedRelease {
  readonly version: string;
  readonly manifest: Manifest;
  readonly manifestSha256: string;
  /** `<name>+<hex8 key ID>` of the release key that signed it. */
  readonly key: string;
}

/** Checks release.note with `verifier`, then that manifest.json is the one it names. */
export function verifyRelease(
  note: Uint8Array,
  manifestBytes: Uint8Array,
  verifier: NoteVerifier,
): VerifiedRelease {
  const { text } = openNote(note, verifier);
  const st = parseStatement(text);
  const manifestSha256 = sha256Hex(manifestBytes);
  if (manifestSha256 !== st.manifestSha256)
    throw new ReleaseError(
      'manifest_mismatch',
      'manifest.json is not the one the release note signs',
      'manifest.json',
    );
  const manifest = parseManifest(manifestBytes);
  if (manifest.version !== st.version)
    throw new ReleaseError(
      'bad_release',
      `manifest version ${manifest.version} differs from signed ${st.version}`,
    );
  return { version: st.version, manifest, manifestSha256, key: keyLabel(verifier) };
}

/** Throws asset_mismatch naming `path` unless `bytes` hash to the manifest's entry for it. */
export function checkAsset(manifest: Manifest, path: string, bytes: Uint8Array): void {
  const want = manifest.files[path];
  if (want === undefined) throw new ReleaseError('asset_missing', `${path} is not in the manifest`, path);
  if (sha256Hex(bytes) !== want)
    throw new ReleaseError('asset_mismatch', `${path} does not match the signed manifest`, path);
}

/**
 * Whether `next` may replace `pinned`: same manifest (nothing to do) or a strictly newer version.
 * An older version, or the same version with other bytes, is a downgrade/equivocation and refused.
 */
export function checkUpgrade(
  pinned: { version: string; manifestSha256: string },
  next: VerifiedRelease,
): boolean {
  if (next.manifestSha256 === pinned.manifestSha256) return false;
  if (compareVersions(next.version, pinned.version) <= 0)
    throw new ReleaseError(
      'downgrade',
      `release ${next.version} is not newer than the pinned ${pinned.version}`,
    );
  return true;
}

/**
 * The manifest path a URL names relative to the app's base URL (`https://h/app/` + `/app/assets/x.js` ->
 * `assets/x.js`; the base itself -> `index.html`), or undefined for another origin or outside the base.
 */
export function assetPath(url: string, base: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return undefined;
  }
  const b = new URL(base);
  const dir = b.pathname.endsWith('/') ? b.pathname : b.pathname.replace(/[^/]*$/, '');
  if (u.origin !== b.origin || !u.pathname.startsWith(dir)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname.slice(dir.length));
  } catch {
    return undefined;
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  return rel;
}
