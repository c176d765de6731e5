// The keyshare logs this device uses: one KeyshareClient per (keyshare URL, pinned verifier key), their
// last verified checkpoints (IndexedDB, one slot per verifier key), and the split-view cross-check with
// a peer (docs/protocol.md 2.6): the checkpoints this device holds go into every CONFIRM, and the peer's
// are checked before its session is shown open.
import {
  type CrossCheck,
  crossCheckPeer,
  KeyshareClient,
  type KeyshareStateStore,
  type StoredCheckpoint,
} from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import type { KeyValue } from './storage.ts';
import type { WitnessPins } from './witness-pins.ts';

/**
 * Keeps the last checkpoint verified for each log in the app's IndexedDB store, so a keyshare that later
 * shows an older or forked tree is caught after a reload too (docs/keyshare.md §Client). The slot is the
 * log's verifier key (`keyshare-checkpoint|<name+id+key>`), so two logs with the default name do not
 * collide; entries older versions stored under `keyshare-checkpoint|<origin name>` are taken over by
 * the client's LogView when signed by that log's key. Notes are re-verified whenever they are loaded.
 */
export class KeyValueCheckpointStore implements KeyshareStateStore {
  constructor(private readonly kv: KeyValue) {}

  async load(log: string): Promise<StoredCheckpoint | null> {
    const note = await this.kv.get(`keyshare-checkpoint|${log}`);
    return typeof note === 'string' ? { note } : null;
  }

  async save(log: string, checkpoint: StoredCheckpoint): Promise<void> {
    await this.kv.put(`keyshare-checkpoint|${log}`, checkpoint.note);
  }
}

/** Where the verifier key pinned for a keyshare (after its first verified answer) is kept. */
export const verifierSlot = (url: string): string => `keyshare-verifier|${url}`;
/** The keyshares (URL + verifier key) this device has used, so their checkpoints are exchanged. */
const LOGS_SLOT = 'keyshare-logs';
const MAX_LOGS = 16;

interface KnownLog {
  url: string;
  verifierKey: string;
}

function knownLogs(v: unknown): KnownLog[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (e): e is KnownLog =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as KnownLog).url === 'string' &&
      typeof (e as KnownLog).verifierKey === 'string',
  );
}

export class KeyshareLogs {
  private readonly clients = new Map<string, KeyshareClient>();
  /** Per log (verifier key): the client last used for it, which the cross-check asks for proofs. */
  private readonly byLog = new Map<string, KeyshareClient>();
  /** Per log: the last verified checkpoint note (a cache of the store, read synchronously for CONFIRM). */
  private readonly held = new Map<string, string>();
  private readonly store: KeyValueCheckpointStore;

  constructor(private readonly kv: KeyValue) {
    this.store = new KeyValueCheckpointStore(kv);
  }

  /**
   * One client per (keyshare, verifier key, pinned witnesses), all sharing the persisted checkpoint
   * store. Without `witnesses` no cosignature is required (a peer's checkpoint needs only the log's).
   */
  client(url: string, verifierKey: string, witnesses?: WitnessPins): KeyshareClient {
    const key = `${url}|${verifierKey.trim()}|${JSON.stringify(witnesses ?? null)}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new KeyshareClient({
        url,
        verifierKey: verifierKey.trim(),
        stateStore: this.store,
        witnesses,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Loads the logs used before (and the server's keyshares whose key was pinned here) with their stored
   * checkpoints. A stored checkpoint that no longer verifies is left out (the next lookup reports it).
   */
  async load(configUrls: readonly string[]): Promise<void> {
    const logs = knownLogs(await this.kv.get(LOGS_SLOT));
    for (const url of configUrls) {
      const pinned = await this.kv.get(verifierSlot(url));
      if (typeof pinned === 'string' && !logs.some((l) => l.url === url))
        logs.push({ url, verifierKey: pinned });
    }
    for (const l of logs) {
      try {
        await this.remember(l.url, l.verifierKey);
      } catch {
        // a bad key or a damaged stored checkpoint: nothing held for that log
      }
    }
  }

  /** The keyshares (URL + verifier key) used or pinned on this device, oldest first. */
  async known(): Promise<Array<{ url: string; verifierKey: string }>> {
    return knownLogs(await this.kv.get(LOGS_SLOT));
  }

  /** Records that `url` with `verifierKey` was used and caches its latest verified checkpoint. */
  async remember(url: string, verifierKey: string): Promise<void> {
    const client = this.client(url, verifierKey);
    const log = keyshare.formatVerifierKey(client.verifier);
    this.byLog.set(log, client);
    const logs = knownLogs(await this.kv.get(LOGS_SLOT));
    if (!logs.some((l) => l.url === url && l.verifierKey === verifierKey.trim())) {
      logs.push({ url, verifierKey: verifierKey.trim() });
      await this.kv.put(LOGS_SLOT, logs.slice(-MAX_LOGS));
    }
    await this.refreshHeld(client);
  }

  private async refreshHeld(client: KeyshareClient): Promise<void> {
    const note = await client.latestCheckpointNote();
    if (note !== null) this.held.set(keyshare.formatVerifierKey(client.verifier), note);
  }

  /** The checkpoints to put in CONFIRM: one per log this device holds a verified checkpoint of. */
  checkpoints(): string[] {
    return [...this.held.values()];
  }

  /**
   * Checks a peer's CONFIRM checkpoints against every log held here. Throws KeyshareIntegrityError on a
   * split view (the session then fails); otherwise says which logs were, or were not, cross-checked.
   */
  async crossCheck(peerNotes: readonly string[]): Promise<CrossCheck> {
    const clients = [...this.byLog.values()];
    const result = await crossCheckPeer(clients, peerNotes);
    for (const c of clients) await this.refreshHeld(c).catch(() => undefined);
    return result;
  }
}
