// Online backups of a running keyshare (docs/operators/keyshare.md §Backups). The database is opened with
// locking_mode = EXCLUSIVE (store/db.ts: a second writer would fork the log), so no other process can
// read it while the service runs — `sqlite3 .backup` fails with "database is locked". The service itself
// therefore makes the copy, with SQLite's online backup API on its own connection (better-sqlite3
// `db.backup()`: a consistent snapshot while writes continue), when asked over a Unix socket in its data
// dir (`admin.sock`, mode 0600: whoever may read the data dir may ask; no TCP port, nothing remote).
//   POST /v1/admin/backup  {"path": "/absolute/new-file.sqlite"}  →  200 {"path","bytes","checkpoint"}
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { dirname, isAbsolute, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { ApiError, ERROR_CODES, type ErrorCode } from './errors.ts';
import { openDb } from './store/db.ts';

export const ADMIN_SOCKET = 'admin.sock';
const DB_FILE = 'keyshare.sqlite';
/** Unix socket paths are limited to about 104–108 bytes. */
const MAX_SOCKET_PATH = 100;
const MAX_BODY = 8 * 1024;

export interface BackupResult {
  path: string;
  bytes: number;
  /** The checkpoint note stored in the backup: what a restore of it serves. */
  checkpoint: string;
}

/** Backups in progress in this process, by final path: two at once to one path would share a temp file. */
const inFlight = new Set<string>();

/** The temporary file of a backup to `path`, and SQLite's side files of it. */
const partialFiles = (tmp: string) => [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`];

/** fsync of a file or directory, so a rename is not reordered before the data on power loss. */
function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the open database to `path` (a new file) so that a crash at any point leaves either no file at
 * `path` or a complete one: the copy is made at `path.partial` (a crashed run's leftover there is
 * replaced), made self-contained (journal_mode DELETE: no -wal beside it), fsynced, and only then
 * renamed into place (atomic on POSIX), and the directory fsynced (tests/crash: test-support/crash-backup.ts).
 */
async function backupTo(db: Database.Database, path: string): Promise<BackupResult> {
  if (!isAbsolute(path) || path.includes('\0') || path.length > 4096)
    throw new ApiError('invalid_request', 'path must be an absolute file path');
  if (existsSync(path)) throw new ApiError('invalid_request', `${path} exists; choose a new file`);
  if (!existsSync(dirname(path))) throw new ApiError('invalid_request', `${dirname(path)} does not exist`);
  if (inFlight.has(path)) throw new ApiError('invalid_request', `a backup to ${path} is in progress`);
  inFlight.add(path);
  const tmp = `${path}.partial`;
  try {
    for (const f of partialFiles(tmp)) rmSync(f, { force: true });
    await db.backup(tmp);
    const copy = new Database(tmp, { fileMustExist: true });
    let checkpoint: string | undefined;
    try {
      copy.pragma('journal_mode = DELETE');
      checkpoint = copy
        .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'checkpoint'")
        .get()?.value;
    } finally {
      copy.close();
    }
    syncPath(tmp);
    renameSync(tmp, path);
    syncPath(dirname(path));
    return { path, bytes: statSync(path).size, checkpoint: checkpoint ?? '' };
  } catch (err) {
    for (const f of partialFiles(tmp)) rmSync(f, { force: true });
    throw err instanceof ApiError
      ? err
      : new ApiError('internal_error', `backup failed: ${(err as Error).message}`);
  } finally {
    inFlight.delete(path);
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError('body_too_large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ApiError('malformed_json'));
      }
    });
    req.on('error', reject);
  });
}

export interface AdminSocket {
  readonly path: string;
  close(): Promise<void>;
}

/** Listens on `<dataDir>/admin.sock`; null (with a warning) when the path is too long for a socket. */
export async function startAdminSocket(
  dataDir: string,
  db: Database.Database,
  logger: Logger,
): Promise<AdminSocket | null> {
  const path = join(dataDir, ADMIN_SOCKET);
  if (path.length > MAX_SOCKET_PATH) {
    logger.warn({ path }, 'data dir path too long for the admin socket: online backups unavailable');
    return null;
  }
  // This process holds the database's exclusive lock, so a socket left here is a crashed run's.
  rmSync(path, { force: true });
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fail = (err: unknown) => {
      const e = err instanceof ApiError ? err : new ApiError('internal_error');
      if (e.code === 'internal_error') logger.error({ err }, 'admin request failed');
      send(e.status, { error: { code: e.code, message: e.message } });
    };
    if (req.method !== 'POST' || req.url !== '/v1/admin/backup') {
      fail(new ApiError('not_found', 'only POST /v1/admin/backup here'));
      return;
    }
    readBody(req)
      .then((body) => {
        const p = (body as { path?: unknown } | null)?.path;
        if (typeof body !== 'object' || body === null || typeof p !== 'string')
          throw new ApiError('invalid_request', 'body must be {"path": "/absolute/file"}');
        return backupTo(db, p);
      })
      .then((r) => {
        logger.info({ path: r.path, bytes: r.bytes }, 'online backup written');
        send(200, r);
      }, fail);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        }),
      ),
  };
}

/** Thrown by requestBackup with the service's (or the client's) error code. */
export class BackupError extends Error {
  constructor(
    readonly code: ErrorCode | 'not_running',
    message: string,
  ) {
    super(message);
  }
}

/** Asks the keyshare running on `dataDir` for an online backup to `path` (absolute). */
export function requestBackup(dataDir: string, path: string): Promise<BackupResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: join(dataDir, ADMIN_SOCKET), method: 'POST', path: '/v1/admin/backup' },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            reject(new BackupError('internal_error', 'the keyshare answered something that is not JSON'));
            return;
          }
          const o = body as Partial<BackupResult> & { error?: { code?: unknown; message?: unknown } };
          if (res.statusCode === 200 && typeof o.path === 'string' && typeof o.bytes === 'number')
            resolve({ path: o.path, bytes: o.bytes, checkpoint: String(o.checkpoint ?? '') });
          else {
            const code =
              typeof o.error?.code === 'string' && o.error.code in ERROR_CODES
                ? o.error.code
                : 'internal_error';
            reject(new BackupError(code as ErrorCode, String(o.error?.message ?? `HTTP ${res.statusCode}`)));
          }
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')
        reject(new BackupError('not_running', `no keyshare is running on ${dataDir}`));
      else reject(err);
    });
    req.end(JSON.stringify({ path }));
  });
}

/** A backup of a stopped keyshare's database (takes its lock, so it fails while one runs). */
export async function offlineBackup(dataDir: string, path: string): Promise<BackupResult> {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file))
    throw new BackupError('not_running', `${file} does not exist: not a keyshare data dir`);
  const db = openDb(file);
  try {
    return await backupTo(db, path);
  } catch (err) {
    if (err instanceof ApiError) throw new BackupError(err.code, err.message);
    throw err;
  } finally {
    db.close();
  }
}
