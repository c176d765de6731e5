// Browser persistence in IndexedDB: database "sealpeer" (configurable), version 1, object stores
// "identity" (key "current" -> Identity.export() text) and "trust" (contact id -> trust record).
// No Node imports here; the IDBFactory can be injected (defaults to globalThis.indexedDB).
import { IdentityError } from './errors.ts';
import { Identity, type IdentityStore } from './identity.ts';
import type { TrustStorage } from './trust-store.ts';

export interface IndexedDbOptions {
  /** Database name (default "sealpeer"). */
  dbName?: string;
  /** IDBFactory to use (default globalThis.indexedDB). */
  indexedDB?: IDBFactory;
}

const DB_VERSION = 1;
const IDENTITY = 'identity';
const TRUST = 'trust';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(o: IndexedDbOptions): Promise<IDBDatabase> {
  const factory = o.indexedDB ?? globalThis.indexedDB;
  if (!factory) return Promise.reject(new IdentityError('storage_failed', 'IndexedDB is not available here'));
  const req = factory.open(o.dbName ?? 'sealpeer', DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains(IDENTITY)) db.createObjectStore(IDENTITY);
    if (!db.objectStoreNames.contains(TRUST)) db.createObjectStore(TRUST);
  };
  return request(req);
}

/** One IndexedDB operation in its own transaction; failures become IdentityError('storage_failed'). */
async function withStore<T>(
  o: IndexedDbOptions,
  store: string,
  mode: IDBTransactionMode,
  op: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  let db: IDBDatabase | undefined;
  try {
    db = await openDb(o);
    const tx = db.transaction(store, mode);
    const result = await request(op(tx.objectStore(store)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } catch (err) {
    if (err instanceof IdentityError) throw err;
    throw new IdentityError('storage_failed', `IndexedDB ${mode} on ${store} failed`, { cause: err });
  } finally {
    db?.close();
  }
}

/** IdentityStore in IndexedDB. The export text is validated with Identity.import on every load. */
export class IndexedDbIdentityStore implements IdentityStore {
  constructor(private readonly options: IndexedDbOptions = {}) {}

  async load(): Promise<Identity | undefined> {
    const text = await withStore(this.options, IDENTITY, 'readonly', (s) => s.get('current'));
    return text === undefined ? undefined : Identity.import(text);
  }

  async save(identity: Identity): Promise<void> {
    await withStore(this.options, IDENTITY, 'readwrite', (s) => s.put(identity.export(), 'current'));
  }
}

/** TrustStorage in IndexedDB (records stored as JSON text, validated by TrustStore on read). */
export class IndexedDbTrustStorage implements TrustStorage {
  constructor(private readonly options: IndexedDbOptions = {}) {}

  async get(contactId: string): Promise<unknown> {
    const text = await withStore(this.options, TRUST, 'readonly', (s) => s.get(contactId));
    if (text === undefined) return undefined;
    if (typeof text !== 'string') return text; // let TrustStore report it as corrupt
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  async put(contactId: string, record: unknown): Promise<void> {
    await withStore(this.options, TRUST, 'readwrite', (s) => s.put(JSON.stringify(record), contactId));
  }

  async delete(contactId: string): Promise<void> {
    await withStore(this.options, TRUST, 'readwrite', (s) => s.delete(contactId));
  }

  async list(): Promise<string[]> {
    const keys = await withStore(this.options, TRUST, 'readonly', (s) => s.getAllKeys());
    return keys.map(String).sort();
  }
}
