// The versioned schema of both stores: one list, each step in both dialects. A store applies the steps
// above its recorded version at start (SQLite: PRAGMA user_version; PostgreSQL: the sealpeer_migrations
// table), each inside a transaction, and refuses a database recorded by a newer sealpeer. Steps are
// append-only: never edit a released one, add the next version.

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export interface MigrationReport {
  /** Version before and after. */
  from: number;
  to: number;
  applied: Array<{ version: number; name: string }>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'channels and credentials',
    sqlite: `
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
CREATE INDEX IF NOT EXISTS credentials_expiry ON credentials (expires_at);`,
    postgres: `
CREATE TABLE channels (
  channel_id TEXT PRIMARY KEY,
  name TEXT,
  public BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX channels_public ON channels (created_at DESC) WHERE public;
CREATE TABLE credentials (
  client_id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  password_hash BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  UNIQUE (channel_id, session_id)
);
CREATE INDEX credentials_expiry ON credentials (expires_at);
CREATE INDEX credentials_channel_expiry ON credentials (channel_id, expires_at);`,
  },
  {
    version: 2,
    name: 'login failures and lockouts',
    sqlite: `
CREATE TABLE login_failures (
  ip TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX login_failures_expiry ON login_failures (expires_at);`,
    postgres: `
CREATE TABLE login_failures (
  ip TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX login_failures_expiry ON login_failures (expires_at);
CREATE INDEX login_failures_locked ON login_failures (locked_until);`,
  },
  {
    version: 3,
    name: 'operator bans',
    sqlite: `
CREATE TABLE bans (
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  until INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, target)
);
CREATE INDEX bans_until ON bans (until);`,
    postgres: `
CREATE TABLE bans (
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  until BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, target)
);
CREATE INDEX bans_until ON bans (until);`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The steps to apply from `current`; throws (via newer) when the database is ahead of this code. */
export function pendingFrom(current: number, newer: (version: number) => Error): Migration[] {
  if (current > LATEST_VERSION) throw newer(current);
  return MIGRATIONS.filter((m) => m.version > current);
}

export function newerSchemaMessage(where: string, version: number): string {
  return (
    `the database ${where} is from a newer sealpeer (schema ${version}, this one knows ${LATEST_VERSION}); ` +
    'upgrade the server'
  );
}
