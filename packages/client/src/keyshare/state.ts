// Where a KeyshareClient keeps the last checkpoint it verified for each log, so consistency is checked
// across restarts. Browsers implement KeyshareStateStore over IndexedDB; Node uses jsonFileStateStore.

export interface StoredCheckpoint {
  /** The signed checkpoint note; re-verified against the pinned key when loaded. */
  readonly note: string;
}

export interface KeyshareStateStore {
  load(origin: string): Promise<StoredCheckpoint | null>;
  save(origin: string, checkpoint: StoredCheckpoint): Promise<void>;
}

export class MemoryStateStore implements KeyshareStateStore {
  readonly #map = new Map<string, StoredCheckpoint>();
  async load(origin: string): Promise<StoredCheckpoint | null> {
    return this.#map.get(origin) ?? null;
  }
  async save(origin: string, checkpoint: StoredCheckpoint): Promise<void> {
    this.#map.set(origin, checkpoint);
  }
}

type FsPromises = typeof import('node:fs/promises');

/**
 * Node only: a JSON file `{ "<origin>": { "note": "..." } }`, written atomically (temp file + rename,
 * mode 0600). node:fs is imported lazily so browser bundles never load it.
 */
export function jsonFileStateStore(path: string): KeyshareStateStore {
  const fs = (): Promise<FsPromises> => import(/* @vite-ignore */ 'node:fs/promises');
  const readAll = async (): Promise<Record<string, StoredCheckpoint>> => {
    try {
      const parsed: unknown = JSON.parse(await (await fs()).readFile(path, 'utf8'));
      const out: Record<string, StoredCheckpoint> = {};
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [k, v] of Object.entries(parsed)) {
          if (typeof v === 'object' && v !== null && typeof (v as { note?: unknown }).note === 'string') {
            out[k] = { note: (v as { note: string }).note };
          }
        }
      }
      return out;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return {};
      throw err;
    }
  };
  return {
    async load(origin) {
      return (await readAll())[origin] ?? null;
    },
    async save(origin, checkpoint) {
      const all = await readAll();
      all[origin] = { note: checkpoint.note };
      const f = await fs();
      const tmp = `${path}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
      await f.writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      await f.rename(tmp, path);
    },
  };
}
