// Error codes of the release-integrity layer (signed notes, release manifests, SRI). Shared by the
// `sealpeer verify-app` CLI and the app's service worker, so every failure names what went wrong.

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

/** Typed error; `code` is stable and documented, `file` names the asset at fault when there is one. */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
  readonly code: ReleaseErrorCode;
  readonly file: string | undefined;
  constructor(code: ReleaseErrorCode, message: string, file?: string) {
    super(message);
    this.code = code;
    this.file = file;
  }
}
