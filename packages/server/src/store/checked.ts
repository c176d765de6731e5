// The one gate in front of either store: arguments are checked here, so a stranger's value (a login's
// clientId, a forwarded IP) behaves the same on SQLite and PostgreSQL. Lookups with a key no stored row
// can have answer "not found" without a query; writes with bad input reject with StoreError.
import { type BanKind, type Store, StoreError } from './types.ts';

const MAX_KEY = 128;
const MAX_NAME = 256;

/** Ids and IPs: 1-128 characters, no NUL (which PostgreSQL's text type cannot hold). */
const isKey = (s: unknown): s is string =>
  typeof s === 'string' && s.length > 0 && s.length <= MAX_KEY && !s.includes('\0');
const isTime = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isBanKind = (k: unknown): k is BanKind => k === 'credential' || k === 'ip';
const MAX_REASON = 200;
const isCount = (n: unknown, max: number): n is number =>
  Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= max;

function need(ok: boolean, what: string): void {
  if (!ok) throw new StoreError('invalid_input', `invalid store input: ${what}`);
}

export function checked(inner: Store): Store {
  return {
    kind: inner.kind,
    async createChannel(c) {
      need(isKey(c.channelId), 'channelId');
      need(
        c.name === null ||
          (typeof c.name === 'string' && c.name.length <= MAX_NAME && !c.name.includes('\0')),
        'name',
      );
      need(typeof c.public === 'boolean', 'public');
      need(isTime(c.createdAt), 'createdAt');
      return inner.createChannel(c);
    },
    getChannel: async (id) => (isKey(id) ? inner.getChannel(id) : undefined),
    async listPublicChannels(limit) {
      need(isCount(limit, 10_000), 'limit');
      return inner.listPublicChannels(limit);
    },
    async issueCredential(req) {
      need(isKey(req.channelId) && isKey(req.sessionId) && isKey(req.newClientId), 'ids');
      need(req.passwordHash instanceof Uint8Array && req.passwordHash.length === 32, 'passwordHash');
      need(isTime(req.now) && isTime(req.expiresAt) && req.expiresAt > req.now, 'times');
      need(isCount(req.maxClients, 1_000_000_000), 'maxClients');
      return inner.issueCredential(req);
    },
    getCredential: async (id) => (isKey(id) ? inner.getCredential(id) : undefined),
    async recordLoginFailure(ip, now, policy) {
      need(isKey(ip), 'ip');
      need(isTime(now), 'now');
      need(
        isCount(policy.failures, 1_000_000_000) &&
          policy.failures > 0 &&
          isTime(policy.windowMs) &&
          isTime(policy.lockoutMs),
        'policy',
      );
      return inner.recordLoginFailure(ip, now, policy);
    },
    lockedUntil: async (ip, now) => (isKey(ip) && isTime(now) ? inner.lockedUntil(ip, now) : 0),
    async liveLockouts(now) {
      need(isTime(now), 'now');
      return inner.liveLockouts(now);
    },
    async deleteChannel(id) {
      return isKey(id) ? inner.deleteChannel(id) : { deleted: false, credentials: 0 };
    },
    async putBan(b) {
      need(isBanKind(b.kind) && isKey(b.target), 'ban target');
      need(
        typeof b.reason === 'string' && b.reason.length <= MAX_REASON && !b.reason.includes('\0'),
        'reason',
      );
      need(isTime(b.createdAt) && isTime(b.until) && b.until > b.createdAt, 'ban times');
      return inner.putBan(b);
    },
    liftBan: async (kind, target) => (isBanKind(kind) && isKey(target) ? inner.liftBan(kind, target) : false),
    async liveBans(now) {
      need(isTime(now), 'now');
      return inner.liveBans(now);
    },
    async purgeExpired(now) {
      need(isTime(now), 'now');
      return inner.purgeExpired(now);
    },
    counts: () => inner.counts(),
    close: () => inner.close(),
  };
}
