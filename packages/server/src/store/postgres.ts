// Store on PostgreSQL (node-postgres pool), for several nodes sharing one state: `--store postgres://…`.
// Atomicity across nodes: issueCredential serialises the issuers of one channel on that channel's row
// (SELECT … FOR NO KEY UPDATE), so the channel cap and "one clientId per session" hold cluster-wide;
// recordLoginFailure locks the IP's row with an upsert before applying the shared rule (lockout-rule.ts).
import pg from 'pg';
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
import { redactUrl } from './spec.ts';
import { type IssueResult, type Store, StoreError } from './types.ts';

/** Epoch-ms columns and count(*) are int8: read them as numbers (all far below 2^53). */
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Key of the advisory lock that lets one node at a time migrate. */
const MIGRATION_LOCK = 0x5ea19ee7;

export interface PostgresOptions {
  /** Pool size (connections per node). */
  maxConnections?: number;
  /** Errors of idle pooled connections (the pool replaces them). */
  onError?: (err: Error) => void;
}

function createPool(url: string, opts: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    application_name: 'sealpeer-server',
    types,
  });
  pool.on('error', (err) => opts.onError?.(err));
  return pool;
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch((err: Error) => {
      broken = err;
    });
    throw e;
  } finally {
    c.release(broken);
  }
}

/** Applies the pending migrations in one transaction, under an advisory lock (nodes may start together). */
async function migrate(pool: pg.Pool, where: string): Promise<MigrationReport> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS sealpeer_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
        'applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await c.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int AS v FROM sealpeer_migrations',
    );
    const from = rows[0]?.v ?? 0;
    const pending = pendingFrom(
      from,
      (v) => new StoreError('newer_schema', newerSchemaMessage(`at ${where}`, v)),
    );
    for (const m of pending) {
      await c.query(m.postgres);
      await c.query('INSERT INTO sealpeer_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    const to = pending.length > 0 ? pending[pending.length - 1]!.version : from;
    return { from, to, applied: pending.map(({ version, name }) => ({ version, name })) };
  });
}

/** `sealpeer-server migrate --store postgres://…`. */
export async function migratePostgres(url: string): Promise<MigrationReport> {
  const pool = createPool(url, { maxConnections: 1 });
  try {
    return await migrate(pool, redactUrl(url));
  } finally {
    await pool.end();
  }
}

export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const pool = createPool(url, opts);
  try {
    await migrate(pool, redactUrl(url));
  } catch (e) {
    await pool.end();
    throw e;
  }
  let closed: Promise<void> | undefined;

  return checked({
    kind: 'postgres',
    async createChannel(c) {
      try {
        await pool.query(
          'INSERT INTO channels (channel_id, name, public, created_at) VALUES ($1, $2, $3, $4)',
          [c.channelId, c.name, c.public, c.createdAt],
        );
      } catch (e) {
        if ((e as { code?: string }).code === '23505')
          throw new StoreError('conflict', `channel ${c.channelId} exists`);
        throw e;
      }
    },
    async getChannel(id) {
      const { rows } = await pool.query<ChannelRow>('SELECT * FROM channels WHERE channel_id = $1', [id]);
      return rows[0] && toChannel(rows[0]);
    },
    async listPublicChannels(limit) {
      const { rows } = await pool.query<ChannelRow>(
        'SELECT * FROM channels WHERE public ORDER BY created_at DESC LIMIT $1',
        [limit],
      );
      return rows.map(toChannel);
    },
    issueCredential: (req) =>
      inTransaction(pool, async (c): Promise<IssueResult> => {
        const ch = await c.query('SELECT 1 FROM channels WHERE channel_id = $1 FOR NO KEY UPDATE', [
          req.channelId,
        ]);
        if (ch.rowCount === 0) return { ok: false, reason: 'no_channel' };
        const { rows } = await c.query<CredentialRow>(
          'SELECT * FROM credentials WHERE channel_id = $1 AND session_id = $2',
          [req.channelId, req.sessionId],
        );
        const existing = rows[0];
        const hash = Buffer.from(req.passwordHash);
        if (existing && existing.expires_at > req.now) {
          await c.query('UPDATE credentials SET password_hash = $1, expires_at = $2 WHERE client_id = $3', [
            hash,
            req.expiresAt,
            existing.client_id,
          ]);
          const credential = toCredential({ ...existing, password_hash: hash, expires_at: req.expiresAt });
          return { ok: true, credential, created: false };
        }
        // An expired credential of this session is gone; the session starts over with a new client.
        if (existing) await c.query('DELETE FROM credentials WHERE client_id = $1', [existing.client_id]);
        const live = await c.query<{ n: number }>(
          'SELECT count(*) AS n FROM credentials WHERE channel_id = $1 AND expires_at > $2',
          [req.channelId, req.now],
        );
        if ((live.rows[0]?.n ?? 0) >= req.maxClients) return { ok: false, reason: 'full' };
        await c.query(
          'INSERT INTO credentials (client_id, channel_id, session_id, password_hash, created_at, expires_at) ' +
            'VALUES ($1, $2, $3, $4, $5, $6)',
          [req.newClientId, req.channelId, req.sessionId, hash, req.now, req.expiresAt],
        );
        return { ok: true, credential: newCredential(req), created: true };
      }),
    async getCredential(id) {
      const { rows } = await pool.query<CredentialRow>('SELECT * FROM credentials WHERE client_id = $1', [
        id,
      ]);
      return rows[0] && toCredential(rows[0]);
    },
    recordLoginFailure: (ip, now, policy) =>
      inTransaction(pool, async (c) => {
        // The no-op upsert creates or locks the IP's row and returns it as it was.
        const { rows } = await c.query<{ failures: number; window_start: number; locked_until: number }>(
          'INSERT INTO login_failures (ip, failures, window_start, locked_until, expires_at) ' +
            'VALUES ($1, 0, 0, 0, 0) ON CONFLICT (ip) DO UPDATE SET ip = EXCLUDED.ip ' +
            'RETURNING failures, window_start, locked_until',
          [ip],
        );
        const row = rows[0];
        const prev = row && {
          failures: row.failures,
          windowStart: row.window_start,
          lockedUntil: row.locked_until,
        };
        const next = nextFailure(prev, now, policy);
        await c.query(
          'UPDATE login_failures SET failures = $2, window_start = $3, locked_until = $4, expires_at = $5 WHERE ip = $1',
          [ip, next.failures, next.windowStart, next.lockedUntil, next.expiresAt],
        );
        return next.locked ? next.lockedUntil : 0;
      }),
    async lockedUntil(ip, now) {
      const { rows } = await pool.query<{ locked_until: number }>(
        'SELECT locked_until FROM login_failures WHERE ip = $1 AND locked_until > $2',
        [ip, now],
      );
      return rows[0]?.locked_until ?? 0;
    },
    async liveLockouts(now) {
      const { rows } = await pool.query<{ ip: string; locked_until: number }>(
        'SELECT ip, locked_until FROM login_failures WHERE locked_until > $1',
        [now],
      );
      return rows.map((r) => ({ ip: r.ip, until: r.locked_until }));
    },
    deleteChannel: (id) =>
      inTransaction(pool, async (c) => {
        const { rows } = await c.query<{ n: number }>(
          'SELECT count(*) AS n FROM credentials WHERE channel_id = $1',
          [id],
        );
        const r = await c.query('DELETE FROM channels WHERE channel_id = $1', [id]);
        const deleted = (r.rowCount ?? 0) > 0;
        return { deleted, credentials: deleted ? (rows[0]?.n ?? 0) : 0 };
      }),
    async putBan(b) {
      await pool.query(
        'INSERT INTO bans (kind, target, until, reason, created_at) VALUES ($1, $2, $3, $4, $5) ' +
          'ON CONFLICT (kind, target) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason, ' +
          'created_at = EXCLUDED.created_at',
        [b.kind, b.target, b.until, b.reason, b.createdAt],
      );
    },
    async liftBan(kind, target) {
      const r = await pool.query('DELETE FROM bans WHERE kind = $1 AND target = $2', [kind, target]);
      return (r.rowCount ?? 0) > 0;
    },
    async liveBans(now) {
      const { rows } = await pool.query<BanRow>(
        'SELECT * FROM bans WHERE until > $1 ORDER BY created_at, kind COLLATE "C", target COLLATE "C"',
        [now],
      );
      return rows.map(toBan);
    },
    async purgeExpired(now) {
      await pool.query('DELETE FROM login_failures WHERE expires_at <= $1', [now]);
      await pool.query('DELETE FROM bans WHERE until <= $1', [now]);
      const r = await pool.query('DELETE FROM credentials WHERE expires_at <= $1', [now]);
      return r.rowCount ?? 0;
    },
    async counts() {
      const { rows } = await pool.query<{ channels: number; credentials: number }>(
        'SELECT (SELECT count(*) FROM channels) AS channels, (SELECT count(*) FROM credentials) AS credentials',
      );
      return rows[0] ?? { channels: 0, credentials: 0 };
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  });
}
