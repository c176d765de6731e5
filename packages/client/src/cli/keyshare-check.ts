// The CLI's keyshare cross-check (docs/protocol.md 2.6, docs/keyshare.md §Split view), Node only: the
// keyshares given with --keyshare URL --keyshare-key VERIFIER, their last verified checkpoints (kept in
// a state file), the checkpoints put in CONFIRM, and the check of the peer's before `paired` is printed.
import { join } from 'node:path';
import { KeyshareClient } from '../keyshare/client.ts';
import { type CrossCheck, crossCheckPeer, heldCheckpoints } from '../keyshare/cross-check.ts';
import { KeyshareRequestError } from '../keyshare/errors.ts';
import { jsonFileStateStore } from '../keyshare/node-file-state.ts';
import { parseVerifierKey } from '../keyshare/note.ts';
import { MemoryStateStore } from '../keyshare/state.ts';
import type { Session } from '../session/session.ts';

export const KEYSHARE_HELP = `  --keyshare URL    a keyshare whose checkpoint is exchanged with the peer and checked against the
                    peer's (split view → integrity failure); repeatable, each with its --keyshare-key
                    (env SEALPEER_KEYSHARE, SEALPEER_KEYSHARE_KEY: one keyshare)
  --keyshare-key K  the log verifier key pinned for the --keyshare of the same position
  --keyshare-state FILE  last verified checkpoint per log (env SEALPEER_KEYSHARE_STATE; default
                    keyshare-state.json beside the identity; with --ephemeral: memory only)`;

export const KEYSHARE_OPTIONS = {
  keyshare: { type: 'string', multiple: true },
  'keyshare-key': { type: 'string', multiple: true },
  'keyshare-state': { type: 'string' },
} as const;

export interface KeyshareSpec {
  url: string;
  verifierKey: string;
}

/** The keyshares named by the flags (or env), validated; bad flags throw `usage(message)`. */
export function keyshareSpecs(
  v: Record<string, unknown>,
  usage: (message: string) => Error,
  env = process.env,
): KeyshareSpec[] {
  const urls = (v.keyshare as string[] | undefined) ?? (env.SEALPEER_KEYSHARE ? [env.SEALPEER_KEYSHARE] : []);
  const keys =
    (v['keyshare-key'] as string[] | undefined) ??
    (env.SEALPEER_KEYSHARE_KEY ? [env.SEALPEER_KEYSHARE_KEY] : []);
  if (urls.length !== keys.length) throw usage('give one --keyshare-key VERIFIER for each --keyshare URL');
  return urls.map((url, i) => {
    if (!/^https?:\/\/[^/]/.test(url)) throw usage(`--keyshare must be an http(s) URL (got '${url}')`);
    const verifierKey = keys[i]!.trim();
    try {
      parseVerifierKey(verifierKey);
    } catch (e) {
      throw usage(`--keyshare-key is not a verifier key (name+hash+key): ${(e as Error).message}`);
    }
    return { url, verifierKey };
  });
}

/** Where the keyshare state lives: the flag, the env, beside the identity file, or nowhere (ephemeral). */
export function keyshareStatePath(
  v: Record<string, unknown>,
  identityPath: string | undefined,
  env = process.env,
): string | undefined {
  const given = (v['keyshare-state'] as string | undefined) ?? env.SEALPEER_KEYSHARE_STATE;
  if (given) return given;
  return identityPath ? join(identityPath, '..', 'keyshare-state.json') : undefined;
}

/** The keyshare side of a pairing command: what goes into CONFIRM and what came of the peer's check. */
export class KeyshareCheck {
  readonly clients: KeyshareClient[];
  #held: string[] = [];
  readonly #results = new WeakMap<Session, CrossCheck>();

  constructor(specs: readonly KeyshareSpec[], statePath: string | undefined) {
    const stateStore = statePath ? jsonFileStateStore(statePath) : new MemoryStateStore();
    this.clients = specs.map((s) => new KeyshareClient({ ...s, stateStore }));
  }

  /**
   * Fetches each log's checkpoint (checked against the stored one: a rollback or fork throws
   * KeyshareIntegrityError). A keyshare that cannot be reached keeps its stored checkpoint, if any.
   */
  async refresh(): Promise<void> {
    for (const c of this.clients) {
      try {
        await c.checkpoint();
      } catch (err) {
        if (!(err instanceof KeyshareRequestError)) throw err;
      }
    }
    this.#held = await heldCheckpoints(this.clients);
  }

  /** ConnectOptions.checkpoints */
  readonly checkpoints = (): readonly string[] => this.#held;

  /** ConnectOptions.verifyPeerCheckpoints: throws on a split view (the session fails, exit 3). */
  readonly verify = async (peer: readonly string[], session: Session): Promise<void> => {
    this.#results.set(session, await crossCheckPeer(this.clients, peer));
  };

  /** The `crossCheck` field of the `paired` event. */
  resultOf(session: Session): CrossCheck {
    return this.#results.get(session) ?? { status: 'nothing_to_check', logs: [] };
  }
}
