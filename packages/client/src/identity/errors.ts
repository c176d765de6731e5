import { CodedError } from '../crypto/errors.ts';

/**
 * Error codes of the identity layer.
 * IdentityError:
 * - bad_format: an exported identity, public identity, scannable fingerprint or stored record is malformed
 * - unsupported_version: a well-formed export or layout of a version this code does not know
 * - bad_key: a key is the wrong size, not a valid curve point, or does not match its private half
 * - insecure_file: an identity file is readable by group/others (Node; fix with chmod 600)
 * - storage_failed: the storage backend (file system, IndexedDB) failed
 * TrustError:
 * - key_changed: the contact's key changed; new sessions are blocked until acceptKeyChange()
 * - key_mismatch: markVerified() for a key that is not the contact's current key, or acceptKeyChange()
 *   for a key that is not the pending one
 * - unknown_contact: the contact is not in the trust store
 * - corrupt_record: a stored trust record failed validation (never treated as a new contact)
 * - bad_input: a malformed argument (empty contact id, wrong type)
 */
export type IdentityErrorCode =
  | 'bad_format'
  | 'unsupported_version'
  | 'bad_key'
  | 'insecure_file'
  | 'storage_failed';
export type TrustErrorCode =
  | 'key_changed'
  | 'key_mismatch'
  | 'unknown_contact'
  | 'corrupt_record'
  | 'bad_input';

export class IdentityError extends CodedError<IdentityErrorCode> {
  override readonly name = 'IdentityError';
}

export class TrustError extends CodedError<TrustErrorCode> {
  override readonly name = 'TrustError';
}
