// Where a KeyshareClient keeps the last checkpoint it verified for each log, so consistency is checked
// across restarts. Browsers implement KeyshareStateStore over IndexedDB; Node uses jsonFileStateStore
// from ./node-file-state.ts (Node-only, never imported through the browser-safe index).

export interface StoredCheckpoint {
  /** The signed checkpoint note; re-verified against the pinned key when loaded. */
  readonly note: string;
}

/**
 * `log` names the slot: the log's verifier key string (LogView's logSlot), never the origin name alone
 * (two logs may share a name). Older stores used the origin name; LogView takes such entries over.
 */
export interface KeyshareStateStore {
  load(log: string): Promise<StoredCheckpoint | null>;
  save(log: string, checkpoint: StoredCheckpoint): Promise<void>;
}

export class MemoryStateStore implements KeyshareStateStore {
  readonly #map = new Map<string, StoredCheckpoint>();
  async load(log: string): Promise<StoredCheckpoint | null> {
    return this.#map.get(log) ?? null;
  }
  async save(log: string, checkpoint: StoredCheckpoint): Promise<void> {
    this.#map.set(log, checkpoint);
  }
}
