// The one registry of error codes of @sealpeer/client: every module's code table, per error class,
// grouped as in docs/errors.md (section "Client"). test/errors/registry.test.ts checks it against the
// docs both ways, and that every error class in src/ extends CodedError and is registered here.
import { CpaceError } from '../cpace/errors.ts';
import {
  CPACE_ERROR_CODES,
  CRYPTO_ERROR_CODES,
  IDENTITY_ERROR_CODES,
  NOISE_ERROR_CODES,
  TRUST_ERROR_CODES,
} from '../crypto/error-codes.ts';
import { type CodedError, CryptoError } from '../crypto/errors.ts';
import { IdentityError, TrustError } from '../identity/errors.ts';
import {
  KEYSHARE_INTEGRITY_CODES,
  KEYSHARE_INTEGRITY_REASONS,
  KEYSHARE_REQUEST_CODES,
  KEYSHARE_UNVERIFIED_CODES,
  KEYSHARE_UNVERIFIED_REASONS,
  KeyshareIntegrityError,
  KeyshareRequestError,
  KeyshareUnverifiedError,
  MAP_ERROR_CODES,
  MERKLE_ERROR_CODES,
  NOTE_ERROR_CODES,
  RECORD_ERROR_CODES,
} from '../keyshare/errors.ts';
import { MapProofError } from '../keyshare/map.ts';
import { MerkleProofError } from '../keyshare/merkle.ts';
import { NoteError } from '../keyshare/note.ts';
import { RecordFormatError } from '../keyshare/record.ts';
import { NoiseError } from '../noise/errors.ts';
import { RELEASE_ERROR_CODES, ReleaseError, SITE_CHECK_ERROR_CODES } from '../release/errors.ts';
import { SiteUnreachable } from '../release/site-check.ts';
import { EnvelopeError, InviteError, RelayError, SessionError } from './client-errors.ts';
import { CONNECT_REASONS, ConnectError, INTEGRITY_REASONS, SignalingIntegrityError } from './integrity.ts';
import {
  CONNECT_ERROR_CODES,
  ENVELOPE_ERROR_CODES,
  INVITE_ERROR_CODES,
  RELAY_ERROR_CODES,
  SESSION_ERROR_CODES,
  SIGNALING_INTEGRITY_CODES,
} from './signaling-codes.ts';

export { CLIENT_ERROR_CODES } from './signaling-codes.ts';

/** One error class: its codes (and `reason`s, for the two integrity errors) with their meaning. */
export interface RegisteredError {
  readonly name: string;
  readonly errorClass: abstract new (...args: never[]) => CodedError<string>;
  readonly codes: Readonly<Record<string, string>>;
  /** Values of the class's `reason` field, when it has one. */
  readonly reasons?: readonly string[];
  /** For a class whose `code` is any string: whose codes it also passes on. */
  readonly passesOn?: string;
}

/** A group of docs/errors.md §Client: one `### heading` and its code table. */
export interface ErrorGroup {
  readonly heading: string;
  readonly classes: readonly RegisteredError[];
}

/**
 * Compiles only when the table lists exactly the members of the class's `code` type (a class whose
 * `code` is any string must say whose codes it passes on).
 */
type Exactly<E extends CodedError<string>, K extends string> = string extends E['code']
  ? unknown
  : [E['code']] extends [K]
    ? [K] extends [E['code']]
      ? unknown
      : { missing: 'the table lists a code the class never carries' }
    : { missing: Exclude<E['code'], K> };

/** One registry entry; `codes` must list exactly the members of the class's `code` type. */
export function registryEntry<E extends CodedError<string>, K extends string>(
  name: string,
  errorClass: abstract new (...args: never[]) => E,
  codes: Readonly<Record<K, string>> & Exactly<E, K>,
  more: Pick<RegisteredError, 'reasons' | 'passesOn'> = {},
): RegisteredError {
  return { name, errorClass, codes, ...more };
}

export const CLIENT_ERROR_REGISTRY: readonly ErrorGroup[] = [
  {
    heading: 'Sealed signaling',
    classes: [
      registryEntry('SignalingIntegrityError', SignalingIntegrityError, SIGNALING_INTEGRITY_CODES, {
        reasons: INTEGRITY_REASONS,
      }),
      registryEntry('ConnectError', ConnectError, CONNECT_ERROR_CODES, { reasons: CONNECT_REASONS }),
      registryEntry('EnvelopeError', EnvelopeError, ENVELOPE_ERROR_CODES),
      registryEntry('InviteError', InviteError, INVITE_ERROR_CODES),
      registryEntry('RelayError', RelayError, RELAY_ERROR_CODES),
      registryEntry('SessionError', SessionError, SESSION_ERROR_CODES),
    ],
  },
  { heading: 'Crypto primitives', classes: [registryEntry('CryptoError', CryptoError, CRYPTO_ERROR_CODES)] },
  { heading: 'Noise', classes: [registryEntry('NoiseError', NoiseError, NOISE_ERROR_CODES)] },
  { heading: 'CPace', classes: [registryEntry('CpaceError', CpaceError, CPACE_ERROR_CODES)] },
  {
    heading: 'Identity and trust store',
    classes: [
      registryEntry('IdentityError', IdentityError, IDENTITY_ERROR_CODES),
      registryEntry('TrustError', TrustError, TRUST_ERROR_CODES),
    ],
  },
  {
    heading: 'Keyshare client',
    classes: [
      registryEntry('KeyshareIntegrityError', KeyshareIntegrityError, KEYSHARE_INTEGRITY_CODES, {
        reasons: Object.keys(KEYSHARE_INTEGRITY_REASONS),
      }),
      registryEntry('KeyshareUnverifiedError', KeyshareUnverifiedError, KEYSHARE_UNVERIFIED_CODES, {
        reasons: Object.keys(KEYSHARE_UNVERIFIED_REASONS),
      }),
      registryEntry('KeyshareRequestError', KeyshareRequestError, KEYSHARE_REQUEST_CODES, {
        passesOn: 'the keyshare service (docs/errors.md §Keyshare, "Service (HTTP)")',
      }),
      registryEntry('MerkleProofError', MerkleProofError, MERKLE_ERROR_CODES),
      registryEntry('MapProofError', MapProofError, MAP_ERROR_CODES),
      registryEntry('NoteError', NoteError, NOTE_ERROR_CODES),
      registryEntry('RecordFormatError', RecordFormatError, RECORD_ERROR_CODES),
    ],
  },
  {
    heading: 'Release (verify-app)',
    classes: [
      registryEntry('ReleaseError', ReleaseError, RELEASE_ERROR_CODES),
      registryEntry('SiteUnreachable', SiteUnreachable, SITE_CHECK_ERROR_CODES),
    ],
  },
];

/** The registered class of this name (the `name` of its instances), if any. */
export function registeredError(name: string): RegisteredError | undefined {
  for (const g of CLIENT_ERROR_REGISTRY) for (const c of g.classes) if (c.name === name) return c;
  return undefined;
}
