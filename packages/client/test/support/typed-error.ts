// The `code` of the typed error a call throws (the test fails if it throws anything else or nothing).
import { expect } from 'vitest';

export function codeOf(Class: new (...a: never[]) => Error & { code: string }, f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Class);
    return (e as { code: string }).code;
  }
  return 'no error';
}
