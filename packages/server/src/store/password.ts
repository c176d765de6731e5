// Credential passwords: 256 random bits, stored only as SHA-256, compared in constant time.
// A slow hash (scrypt) protects guessable human passwords; these are never guessable (2^256), so a
// stolen database cannot be brute-forced either way, and SHA-256 keeps logins cheap for the relay.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function hashPassword(password: string): Uint8Array {
  return createHash('sha256').update(password, 'utf8').digest();
}

/** Constant-time check of a presented password against a stored hash (both 32 bytes). */
export function passwordMatches(password: string, stored: Uint8Array): boolean {
  const h = hashPassword(password);
  return stored.length === h.length && timingSafeEqual(h, stored);
}
