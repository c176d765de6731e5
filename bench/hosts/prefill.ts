// Fills a fresh sealpeer data dir before the server starts on it, through the server's own store module
// (the same issueCredential transaction the HTTP route runs), so the HTTP section can measure
// get-or-create with 100k credentials stored without 100k HTTP round trips first.
import { randomBytes, randomUUID } from 'node:crypto';

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
}

export async function prefill(
  dataDir: string,
  credentials: number,
  emptyChannels: number,
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
  let channelId = '';
  for (let i = 0; i < credentials; i++) {
    if (i % perChannel === 0) channelId = await newChannel();
    const sessionId = randomUUID();
    const r = await store.issueCredential({
      channelId,
      sessionId,
      newClientId: randomUUID(),
      passwordHash: randomBytes(32),
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
  return { emptyChannels: empty, existing, credentials, seconds: (performance.now() - t0) / 1000 };
}
