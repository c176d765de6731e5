// Test helper: the `code` of the typed error a call throws, checked against the crypto core's code
// tables (src/crypto/error-codes.ts), so a test also fails when a thrown code is not documented there.
import {
  CPACE_ERROR_CODES,
  CRYPTO_ERROR_CODES,
  IDENTITY_ERROR_CODES,
  NOISE_ERROR_CODES,
  TRUST_ERROR_CODES,
} from '../../src/crypto/error-codes.ts';
import { CodedError } from '../../src/crypto/errors.ts';

const TABLES: Record<string, Record<string, string>> = {
  CryptoError: CRYPTO_ERROR_CODES,
  NoiseError: NOISE_ERROR_CODES,
  CpaceError: CPACE_ERROR_CODES,
  IdentityError: IDENTITY_ERROR_CODES,
  TrustError: TRUST_ERROR_CODES,
};

function describeError(err: unknown): string {
  if (!(err instanceof CodedError)) return `not a typed error: ${String(err)}`;
  const table = TABLES[err.name];
  if (!table || !Object.hasOwn(table, err.code)) return `undocumented code ${err.name}.${String(err.code)}`;
  return err.code;
}

/** The code thrown by `f`, 'no error' when it returns. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return describeError(err);
  }
  return 'no error';
}

/** The code `p` rejects with, 'no error' when it resolves. */
export async function codeOfAsync(p: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return describeError(err);
  }
  return 'no error';
}
