// A tiny key-value store over IndexedDB (one database, one object store). This is where the device's
// identity, its relay session ids and its contacts live between visits; nothing here is sent anywhere.

const DB_NAME = 'sealpeer-app'; // the client library owns the "sealpeer" database (identity, trust)
const STORE = 'kv';

export interface KeyValue {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens (creating on first visit) the app's IndexedDB store. */
export async function openStorage(name = DB_NAME): Promise<KeyValue> {
  if (typeof indexedDB === 'undefined')
    throw new Error('This browser has no IndexedDB: sealpeer cannot keep your keys.');
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await promised(open);
  const tx = (mode: IDBTransactionMode): IDBObjectStore => db.transaction(STORE, mode).objectStore(STORE);
  return {
    get: (key) => promised(tx('readonly').get(key)),
    put: async (key, value) => {
      await promised(tx('readwrite').put(value, key));
    },
    delete: async (key) => {
      await promised(tx('readwrite').delete(key));
    },
  };
}
