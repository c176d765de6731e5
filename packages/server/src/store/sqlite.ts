// Store on an embedded SQLite database (better-sqlite3) in WAL mode: one file `sealpeer.db` in the data dir.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Channel, Credential, IssueRequest, IssueResult, Store } from './types.ts';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS channels (
  channel_id TEXT PRIMARY KEY,
  name TEXT,
  public INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS channels_public ON channels (public, created_at);
CREATE TABLE IF NOT EXISTS credentials (
  client_id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  password_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (channel_id, session_id)
);
CREATE INDEX IF NOT EXISTS credentials_expiry ON credentials (expires_at);
`;

interface ChannelRow {
  channel_id: string;
  name: string | null;
  public: number;
  created_at: number;
}
interface CredentialRow {
  client_id: string;
  channel_id: string;
  session_id: string;
  password_hash: Buffer;
  created_at: number;
  expires_at: number;
}

const toChannel = (r: ChannelRow): Channel => ({
  channelId: r.channel_id,
  name: r.name,
  public: r.public === 1,
  createdAt: r.created_at,
});
const toCredential = (r: CredentialRow): Credential => ({
  clientId: r.client_id,
  channelId: r.channel_id,
  sessionId: r.session_id,
  passwordHash: new Uint8Array(r.password_hash),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sealpeer.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `the database in ${dataDir} is from a newer sealpeer (schema ${version}); upgrade the server`,
    );
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

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
    purge: db.prepare('DELETE FROM credentials WHERE expires_at <= ?'),
    counts: db.prepare<[], { channels: number; credentials: number }>(
      'SELECT (SELECT count(*) FROM channels) AS channels, (SELECT count(*) FROM credentials) AS credentials',
    ),
  };

  const issue = db.transaction((req: IssueRequest): IssueResult => {
    const existing = q.bySession.get(req.channelId, req.sessionId);
    const hash = Buffer.from(req.passwordHash);
    if (existing && existing.expires_at > req.now) {
      q.refreshCredential.run(hash, req.expiresAt, existing.client_id);
      const credential = toCredential({ ...existing, password_hash: hash, expires_at: req.expiresAt });
      return { ok: true, credential, created: false };
    }
    // An expired credential of this session is gone; the session starts over with a new client.
    if (existing) q.purge.run(req.now);
    if ((q.countLive.get(req.channelId, req.now)?.n ?? 0) >= req.maxClients)
      return { ok: false, reason: 'full' };
    q.insertCredential.run(req.newClientId, req.channelId, req.sessionId, hash, req.now, req.expiresAt);
    const credential: Credential = {
      clientId: req.newClientId,
      channelId: req.channelId,
      sessionId: req.sessionId,
      passwordHash: req.passwordHash,
      createdAt: req.now,
      expiresAt: req.expiresAt,
    };
    return { ok: true, credential, created: true };
  });

  return {
    createChannel(c) {
      q.insertChannel.run(c.channelId, c.name, c.public ? 1 : 0, c.createdAt);
    },
    getChannel(id) {
      const r = q.getChannel.get(id);
      return r ? toChannel(r) : undefined;
    },
    listPublicChannels(limit) {
      return q.listPublic.all(limit).map(toChannel);
    },
    issueCredential: (req) => issue.immediate(req),
    getCredential(id) {
      const r = q.byClient.get(id);
      return r ? toCredential(r) : undefined;
    },
    purgeExpired(now) {
      return q.purge.run(now).changes;
    },
    counts() {
      return q.counts.get() ?? { channels: 0, credentials: 0 };
    },
    close() {
      if (!db.open) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
