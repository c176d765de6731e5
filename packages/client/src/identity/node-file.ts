// Node-only persistence (the only identity module that imports node:fs; never import it from browser
// code): the identity as a 0600 file, and the trust store as one 0600 JSON file. Writes are atomic
// (temporary file in the same folder, fsync, rename), folders are created 0700.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IdentityError, TrustError } from './errors.ts';
import { IDENTITY_EXPORT_MAX, Identity, type IdentityStore } from './identity.ts';
import type { TrustStorage } from './trust-store.ts';

const MAX_TRUST_FILE = 4 * 1024 * 1024;

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/** Writes `text` to `path` atomically with mode 0600. */
async function writeFile0600(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads a file that holds secrets: undefined when absent, `insecure_file` when group/others can access it. */
async function readPrivateFile(path: string, max: number): Promise<string | undefined> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw new IdentityError('storage_failed', `cannot read ${path}`, { cause: err });
  }
  if (!st.isFile()) throw new IdentityError('storage_failed', `${path} is not a regular file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
    throw new IdentityError('insecure_file', `${path} is accessible by other users: run chmod 600 ${path}`);
  if (st.size > max) throw new IdentityError('bad_format', `${path} is larger than ${max} bytes`);
  return readFile(path, 'utf8');
}

/** IdentityStore backed by one file (mode 0600) holding Identity.export(). */
export class FileIdentityStore implements IdentityStore {
  constructor(readonly path: string) {}

  async load(): Promise<Identity | undefined> {
    const text = await readPrivateFile(this.path, IDENTITY_EXPORT_MAX);
    return text === undefined ? undefined : Identity.import(text);
  }

  async save(identity: Identity): Promise<void> {
    try {
      await writeFile0600(this.path, `${identity.export()}\n`);
    } catch (err) {
      throw new IdentityError('storage_failed', `cannot write ${this.path}`, { cause: err });
    }
  }
}

/** TrustStorage backed by one JSON file (mode 0600): `{ "v": 1, "contacts": { id: record } }`. */
export class FileTrustStorage implements TrustStorage {
  constructor(readonly path: string) {}

  // A Map, not a plain object: contact ids such as "__proto__" must stay ordinary keys.
  async #readAll(): Promise<Map<string, unknown>> {
    const text = await readPrivateFile(this.path, MAX_TRUST_FILE);
    if (text === undefined) return new Map();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new TrustError(
        'corrupt_record',
        `${this.path} is not JSON; restore it from a backup or delete it`,
      );
    }
    const d = doc as { v?: unknown; contacts?: unknown } | null;
    if (
      typeof d !== 'object' ||
      d === null ||
      d.v !== 1 ||
      typeof d.contacts !== 'object' ||
      d.contacts === null
    )
      throw new TrustError('corrupt_record', `${this.path} is not a sealpeer trust store`);
    return new Map(Object.entries(d.contacts));
  }

  async #writeAll(contacts: Map<string, unknown>): Promise<void> {
    const doc = { v: 1, contacts: Object.fromEntries(contacts) };
    try {
      await writeFile0600(this.path, `${JSON.stringify(doc, null, 1)}\n`);
    } catch (err) {
      throw new IdentityError('storage_failed', `cannot write ${this.path}`, { cause: err });
    }
  }

  async get(contactId: string): Promise<unknown> {
    return (await this.#readAll()).get(contactId);
  }

  async put(contactId: string, record: unknown): Promise<void> {
    const all = await this.#readAll();
    all.set(contactId, JSON.parse(JSON.stringify(record)));
    await this.#writeAll(all);
  }

  async delete(contactId: string): Promise<void> {
    const all = await this.#readAll();
    if (!all.delete(contactId)) return;
    await this.#writeAll(all);
  }

  async list(): Promise<string[]> {
    return [...(await this.#readAll()).keys()].sort();
  }
}
