// Credential checks shared by the WebSocket login and GET /api/turn: constant-time password compare,
// expiry, and the failure path (one `"event":"auth_failed"` log line for fail2ban, then the lockout).
import type { Logger } from 'pino';
import type { LoginLockout } from './limits/ip-guard.ts';
import { hashPassword, passwordMatches } from './store/password.ts';
import type { Credential, Store } from './store/types.ts';

/** Compared against when the clientId is unknown, so both failures take the same time. */
const DUMMY_HASH = hashPassword('not a password');

/** The credential if clientId + password are right and it has not expired; else undefined. */
export async function verifyCredential(
  store: Store,
  clientId: string,
  password: string,
  now: number,
): Promise<Credential | undefined> {
  const cred = await store.getCredential(clientId.toLowerCase());
  const ok = passwordMatches(password, cred ? cred.passwordHash : DUMMY_HASH);
  return cred && ok && cred.expiresAt > now ? cred : undefined;
}

export interface AuthFailureDeps {
  log: Logger;
  lockout: LoginLockout;
  lockoutMs: number;
}

/** Logs the failure and counts it against the IP (in the store); the IP may now be locked out. */
export async function recordAuthFailure(
  deps: AuthFailureDeps,
  ip: string,
  clientId: string,
  now: number,
): Promise<void> {
  deps.log.warn({ event: 'auth_failed', ip, clientId }, 'login failed');
  if (await deps.lockout.fail(ip, now))
    deps.log.warn({ event: 'ip_locked_out', ip, ms: deps.lockoutMs }, 'too many failed logins');
}
