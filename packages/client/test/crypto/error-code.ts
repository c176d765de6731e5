// Test helper: the `code` of the typed error a call throws, checked against the client's error registry
// (src/errors/registry.ts), so a test also fails when a thrown code is not registered for its class.

import { CodedError } from '../../src/crypto/errors.ts';
import { registeredError } from '../../src/errors/registry.ts';

function describeError(err: unknown): string {
  if (!(err instanceof CodedError)) return `not a typed error: ${String(err)}`;
  const table = registeredError(err.name)?.codes;
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
