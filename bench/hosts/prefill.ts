// Fills a fresh sealpeer data dir (or a fresh PostgreSQL database) before the server starts on it,
// through the server's own store module (the same issueCredential transaction the HTTP route runs), so
// the HTTP section can measure get-or-create with 100k credentials stored without 100k HTTP round trips
// first, and the idle section can log 100k clients in.
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, newPassword } from '../../packages/server/src/store/password.ts';

// The store was synchronous before issue #17 made it async: awaiting works for both.
interface StoreLike {
  createChannel(c: {
    channelId: string;
    name: string | null;
    public: boolean;
    createdAt: number;
  }): void | Promise<void>;
  issueCredential(r: Record<string, unknown>): { ok: boolean } | Promise<{ ok: boolean }>;
  close(): void | Promise<void>;
}

export interface Prefilled {
  /** Channels with room left (the bench's new sessions go there). */
  emptyChannels: string[];
  /** A sample of existing (channel, session) pairs (for the "get" path). */
  existing: { channelId: string; sessionId: string }[];
  credentials: number;
  seconds: number;
  /** With `logins`: every credential's login (the idle section logs them all in). */
  logins?: { clientId: string; password: string; sessionId: string }[];
}

/** The SQLite store in `dataDir`, or the PostgreSQL store at `url` (migrated on open, as a node does). */
async function openFor(dataDir: string, url?: string): Promise<StoreLike> {
  const path = url
    ? '../../packages/server/src/store/postgres.ts'
    : '../../packages/server/src/store/sqlite.ts';
  const name = url ? 'openPostgresStore' : 'openSqliteStore';
  let mod: Record<string, unknown>;
  try {
    mod = await import(path);
  } catch (e) {
    throw new Error(`skipped: the server's store module cannot be loaded (${String(e).split('\n')[0]})`);
  }
  const open = mod[name] as ((where: string) => StoreLike | Promise<StoreLike>) | undefined;
  if (typeof open !== 'function') throw new Error(`skipped: the server has no ${name}`);
  return open(url ?? dataDir);
}

/** Channels filled at once. */
const LANES = 8;

/**
 * Writes `credentials` credentials (200 to a channel) and `emptyChannels` channels into the SQLite store
 * in `dataDir`, or with `opts.store` (a postgres:// URL) into that database, as the HTTP route would.
 */
export async function prefill(
  dataDir: string,
  credentials: number,
  emptyChannels: number,
  opts: { logins?: boolean; store?: string } = {},
): Promise<Prefilled> {
  const t0 = performance.now();
  const store = await openFor(dataDir, opts.store);
  const now = Date.now();
  const newChannel = async (): Promise<string> => {
    const channelId = randomUUID();
    await store.createChannel({ channelId, name: null, public: false, createdAt: now });
    return channelId;
  };
  const perChannel = 200;
  const existing: Prefilled['existing'] = [];
  const logins: NonNullable<Prefilled['logins']> = [];
  const sampleEvery = Math.max(1, Math.floor(credentials / 1000));
  const issue = async (channelId: string, i: number): Promise<void> => {
    const sessionId = randomUUID();
    const clientId = randomUUID();
    // A real password (hashed as the HTTP route does) only when the bench will log in with it.
    const password = opts.logins ? newPassword() : '';
    if (opts.logins) logins.push({ clientId, password, sessionId });
    if (i % sampleEvery === 0) existing.push({ channelId, sessionId });
    const r = await store.issueCredential({
      channelId,
      sessionId,
      newClientId: clientId,
      passwordHash: opts.logins ? hashPassword(password) : randomBytes(32),
      now,
      expiresAt: now + 14 * 86_400_000,
      maxClients: 256,
    });
    if (!r.ok) throw new Error('prefill: channel full');
  };
  // Channels in 8 lanes at once (a PostgreSQL issuer locks its channel's row, so one channel's
  // credentials go one after another; different channels' in parallel on the pool's connections).
  const channels: string[] = [];
  for (let i = 0; i < Math.ceil(credentials / perChannel); i++) channels.push(await newChannel());
  const lane = async (k: number): Promise<void> => {
    for (let c = k; c < channels.length; c += LANES)
      for (let i = c * perChannel; i < Math.min(credentials, (c + 1) * perChannel); i++)
        await issue(channels[c]!, i);
  };
  await Promise.all(Array.from({ length: LANES }, (_, k) => lane(k)));
  const empty: string[] = [];
  for (let i = 0; i < emptyChannels; i++) empty.push(await newChannel());
  await store.close();
  const seconds = (performance.now() - t0) / 1000;
  return { emptyChannels: empty, existing, credentials, seconds, ...(opts.logins ? { logins } : {}) };
}
