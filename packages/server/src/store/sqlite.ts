// Store on an embedded SQLite database (better-sqlite3) in WAL mode: one file `sealpeer.db` in the data dir.
// better-sqlite3 is synchronous: each method runs to completion (a transaction where it must be atomic)
// before its promise resolves, so callers on one process can never interleave inside one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { checked } from './checked.ts';
import { nextFailure } from './lockout-rule.ts';
import { type MigrationReport, newerSchemaMessage, pendingFrom } from './migrations.ts';
import {
  type BanRow,
  type ChannelRow,
  type CredentialRow,
  newCredential,
  toBan,
  toChannel,
  toCredential,
} from './rows.ts';
import { type IssueRequest, type IssueResult, type Store, StoreError } from './types.ts';

interface FailureRow {
  failures: number;
  window_start: number;
  locked_until: number;
}

function openDb(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sealpeer.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Applies the pending migrations (src/store/migrations.ts), each in a transaction with its version. */
function migrate(db: Database.Database, dataDir: string): MigrationReport {
  const from = db.pragma('user_version', { simple: true }) as number;
  const pending = pendingFrom(
    from,
    (v) => new StoreError('newer_schema', newerSchemaMessage(`in ${dataDir}`, v)),
  );
  for (const m of pending)
    db.transaction(() => {
      db.exec(m.sqlite);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  const to = pending.length > 0 ? pending[pending.length - 1]!.version : from;
  return { from, to, applied: pending.map(({ version, name }) => ({ version, name })) };
}

/** `sealpeer-server migrate` on the embedded store. */
export function migrateSqlite(dataDir: string): MigrationReport {
  const db = openDb(dataDir);
  try {
    return migrate(db, dataDir);
  } finally {
    db.close();
  }
}

export function openSqliteStore(dataDir: string): Store {
  const db = openDb(dataDir);
  try {
    migrate(db, dataDir);
  } catch (e) {
    db.close();
    throw e;
  }

  const q = {
    insertChannel: db.prepare(
      'INSERT INTO channels (channel_id, name, public, created_at) VALUES (?, ?, ?, ?)',
    ),
    getChannel: db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE channel_id = ?'),
    listPublic: db.prepare<[number], ChannelRow>(
      'SELECT * FROM channels WHERE public = 1 ORDER BY created_at DESC LIMIT ?',
    ),
    bySession: db.prepare<[string, string], CredentialRow>(
      'SELECT * FROM credentials WHERE channel_id = ? AND session_id = ?',
    ),
    byClient: db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE client_id = ?'),
    countLive: db.prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM credentials WHERE channel_id = ? AND expires_at > ?',
    ),
    insertCredential: db.prepare(
      'INSERT INTO credentials (client_id, channel_id, session_id, password_hash, created_at, expires_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
    ),
    refreshCredential: db.prepare(
      'UPDATE credentials SET password_hash = ?, expires_at = ? WHERE client_id = ?',
    ),
    deleteCredential: db.prepare('DELETE FROM credentials WHERE client_id = ?'),
    purge: db.prepare('DELETE FROM credentials WHERE expires_at <= ?'),
    purgeFailures: db.prepare('DELETE FROM login_failures WHERE expires_at <= ?'),
    getFailure: db.prepare<[string], FailureRow>(
      'SELECT failures, window_start, locked_until FROM login_failures WHERE ip = ?',
    ),
    putFailure: db.prepare(
      'INSERT OR REPLACE INTO login_failures (ip, failures, window_start, locked_until, expires_at) ' +
        'VALUES (?, ?, ?, ?, ?)',
    ),
    lockedUntil: db.prepare<[string, number], { locked_until: number }>(
      'SELECT locked_until FROM login_failures WHERE ip = ? AND locked_until > ?',
    ),
    liveLockouts: db.prepare<[number], { ip: string; locked_until: number }>(
      'SELECT ip, locked_until FROM login_failures WHERE locked_until > ?',
    ),
    countChannel: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM credentials WHERE channel_id = ?',
    ),
    deleteChannel: db.prepare('DELETE FROM channels WHERE channel_id = ?'),
    putBan: db.prepare(
      'INSERT OR REPLACE INTO bans (kind, target, until, reason, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    liftBan: db.prepare('DELETE FROM bans WHERE kind = ? AND target = ?'),
    liveBans: db.prepare<[number], BanRow>(
      'SELECT * FROM bans WHERE until > ? ORDER BY created_at, kind, target',
    ),
    purgeBans: db.prepare('DELETE FROM bans WHERE until <= ?'),
    counts: db.prepare<[], { channels: number; credentials: number }>(
      'SELECT (SELECT count(*) FROM channels) AS channels, (SELECT count(*) FROM credentials) AS credentials',
    ),
  };

  const issue = db.transaction((req: IssueRequest): IssueResult => {
    if (!q.getChannel.get(req.channelId)) return { ok: false, reason: 'no_channel' };
    const existing = q.bySession.get(req.channelId, req.sessionId);
    const hash = Buffer.from(req.passwordHash);
    if (existing && existing.expires_at > req.now) {
      q.refreshCredential.run(hash, req.expiresAt, existing.client_id);
      const credential = toCredential({ ...existing, password_hash: hash, expires_at: req.expiresAt });
      return { ok: true, credential, created: false };
    }
    // An expired credential of this session is gone; the session starts over with a new client.
    if (existing) q.deleteCredential.run(existing.client_id);
    if ((q.countLive.get(req.channelId, req.now)?.n ?? 0) >= req.maxClients)
      return { ok: false, reason: 'full' };
    q.insertCredential.run(req.newClientId, req.channelId, req.sessionId, hash, req.now, req.expiresAt);
    return { ok: true, credential: newCredential(req), created: true };
  });

  const fail = db.transaction(
    (ip: string, now: number, policy: Parameters<Store['recordLoginFailure']>[2]) => {
      const row = q.getFailure.get(ip);
      const prev = row && {
        failures: row.failures,
        windowStart: row.window_start,
        lockedUntil: row.locked_until,
      };
      const next = nextFailure(prev, now, policy);
      q.putFailure.run(ip, next.failures, next.windowStart, next.lockedUntil, next.expiresAt);
      return next.locked ? next.lockedUntil : 0;
    },
  );

  const dropChannel = db.transaction((id: string) => {
    const credentials = q.countChannel.get(id)?.n ?? 0;
    const deleted = q.deleteChannel.run(id).changes > 0;
    return { deleted, credentials: deleted ? credentials : 0 };
  });

  return checked({
    kind: 'sqlite',
    async createChannel(c) {
      try {
        q.insertChannel.run(c.channelId, c.name, c.public ? 1 : 0, c.createdAt);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new StoreError('conflict', `channel ${c.channelId} exists`);
        throw e;
      }
    },
    async getChannel(id) {
      const r = q.getChannel.get(id);
      return r ? toChannel(r) : undefined;
    },
    async listPublicChannels(limit) {
      return q.listPublic.all(limit).map(toChannel);
    },
    issueCredential: async (req) => issue.immediate(req),
    async getCredential(id) {
      const r = q.byClient.get(id);
      return r ? toCredential(r) : undefined;
    },
    recordLoginFailure: async (ip, now, policy) => fail.immediate(ip, now, policy),
    lockedUntil: async (ip, now) => q.lockedUntil.get(ip, now)?.locked_until ?? 0,
    liveLockouts: async (now) => q.liveLockouts.all(now).map((r) => ({ ip: r.ip, until: r.locked_until })),
    deleteChannel: async (id) => dropChannel.immediate(id),
    async putBan(b) {
      q.putBan.run(b.kind, b.target, b.until, b.reason, b.createdAt);
    },
    liftBan: async (kind, target) => q.liftBan.run(kind, target).changes > 0,
    liveBans: async (now) => q.liveBans.all(now).map(toBan),
    async purgeExpired(now) {
      q.purgeFailures.run(now);
      q.purgeBans.run(now);
      return q.purge.run(now).changes;
    },
    counts: async () => q.counts.get() ?? { channels: 0, credentials: 0 },
    async close() {
      if (!db.open) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  });
}
