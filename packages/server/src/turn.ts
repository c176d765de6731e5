// TURN REST credentials for coturn's `use-auth-secret` mode (draft-uberti-behave-turn-rest-00, §2.2):
// username = "<expiry unix seconds>:<user>", credential = base64(HMAC-SHA1(secret, username)).
import { createHmac } from 'node:crypto';

export interface TurnCredential {
  username: string;
  credential: string;
  /** Seconds the credential stays valid. */
  ttl: number;
}

export function turnCredential(secret: string, user: string, nowMs: number, ttlMs: number): TurnCredential {
  const ttl = Math.floor(ttlMs / 1000);
  const username = `${Math.floor(nowMs / 1000) + ttl}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, ttl };
}
