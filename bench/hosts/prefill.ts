// Fills a fresh sealpeer data dir before the server starts on it, through the server's own store module
// (the same issueCredential transaction the HTTP route runs), so the HTTP section can measure
// get-or-create with 100k credentials stored without 100k HTTP round trips first.
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

export async function prefill(
  dataDir: string,
  credentials: number,
  emptyChannels: number,
  opts: { logins?: boolean } = {},
): Promise<Prefilled> {
  let mod: Record<string, unknown>;
  try {
    mod = await import('../../packages/server/src/store/sqlite.ts');
  } catch (e) {
    throw new Error(`skipped: the server's store module cannot be loaded (${String(e).split('\n')[0]})`);
  }
  const open = mod.openSqliteStore as ((dir: string) => StoreLike) | undefined;
  if (typeof open !== 'function') throw new Error('skipped: the server has no openSqliteStore');
  const t0 = performance.now();
  const store = open(dataDir);
  const now = Date.now();
  const newChannel = async (): Promise<string> => {
    const channelId = randomUUID();
    await store.createChannel({ channelId, name: null, public: false, createdAt: now });
    return channelId;
  };
  const perChannel = 200;
  const existing: Prefilled['existing'] = [];
  const logins: NonNullable<Prefilled['logins']> = [];
  let channelId = '';
  for (let i = 0; i < credentials; i++) {
    if (i % perChannel === 0) channelId = await newChannel();
    const sessionId = randomUUID();
    const clientId = randomUUID();
    // A real password (hashed as the HTTP route does) only when the bench will log in with it.
    const password = opts.logins ? newPassword() : '';
    if (opts.logins) logins.push({ clientId, password, sessionId });
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
    if (i % Math.max(1, Math.floor(credentials / 1000)) === 0) existing.push({ channelId, sessionId });
  }
  const empty: string[] = [];
  for (let i = 0; i < emptyChannels; i++) empty.push(await newChannel());
  await store.close();
  const seconds = (performance.now() - t0) / 1000;
  return { emptyChannels: empty, existing, credentials, seconds, ...(opts.logins ? { logins } : {}) };
}
