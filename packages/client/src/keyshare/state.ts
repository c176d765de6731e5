// Where a KeyshareClient keeps the last checkpoint it verified for each log, so consistency is checked
// across restarts. Browsers implement KeyshareStateStore over IndexedDB; Node uses jsonFileStateStore
// from ./node-file-state.ts (Node-only, never imported through the browser-safe index).

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
