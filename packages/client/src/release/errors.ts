// Error codes of the release-integrity layer (signed notes, release manifests, SRI). Shared by the
// `sealpeer verify-app` CLI and the app's service worker, so every failure names what went wrong.
import { CodedError } from '../crypto/errors.ts';

export type ReleaseErrorCode =
  | 'bad_key' // a verifier or signer key string is malformed (C2SP signed-note key encoding)
  | 'bad_note' // a signed note is malformed: not UTF-8, no signature block, bad signature line
  | 'unverified_note' // no signature on the note verifies with the pinned release key
  | 'bad_release' // the signed release statement (note text) is not in the expected form
  | 'bad_manifest' // manifest.json is not valid JSON of the documented shape
  | 'manifest_mismatch' // manifest.json's SHA-256 differs from the one the signed note states
  | 'asset_mismatch' // a served file's SHA-256 differs from the signed manifest
  | 'asset_missing' // a file listed in the manifest could not be fetched
  | 'sri_missing' // a script or stylesheet in index.html has no integrity attribute
  | 'sri_mismatch' // an integrity attribute does not match the file it names
  | 'downgrade'; // a release older than (or equal in version to but different from) the pinned one

/** Every release code with its meaning (for the package's error registry and docs/errors.md). */
export const RELEASE_ERROR_CODES: Record<ReleaseErrorCode, string> = {
  bad_key: 'ReleaseError: a release verifier or signer key string is malformed',
  bad_note: 'ReleaseError: release.note is not a well-formed signed note',
  unverified_note: 'ReleaseError: release.note is not signed by the pinned release key',
  bad_release: 'ReleaseError: the signed text is not a sealpeer-app release statement',
  bad_manifest: 'ReleaseError: manifest.json is not a valid release manifest',
  manifest_mismatch: 'ReleaseError: manifest.json differs from the one the release note signs',
  asset_mismatch: 'ReleaseError: a served file differs from the signed manifest (file names it)',
  asset_missing: 'ReleaseError: a file of the release could not be fetched (file names it)',
  sri_missing: 'ReleaseError: a script or stylesheet in index.html has no integrity/crossorigin attribute',
  sri_mismatch:
    'ReleaseError: an integrity attribute does not match its file, or names a file outside the app',
  downgrade: 'ReleaseError: the offered release is not newer than the pinned one',
};

/** Typed error; `code` is stable and documented, `file` names the asset at fault when there is one. */
export class ReleaseError extends CodedError<ReleaseErrorCode> {
  override readonly name = 'ReleaseError';
  readonly file: string | undefined;
  constructor(code: ReleaseErrorCode, message: string, file?: string) {
    super(code, message);
    this.file = file;
  }
}

/** The code of SiteUnreachable (./site-check.ts): the site to check did not answer at all. */
export const SITE_CHECK_ERROR_CODES = {
  site_unreachable: 'SiteUnreachable: the web server could not be reached at all (verify-app exits 1)',
} as const;
