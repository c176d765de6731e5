// Witnesses pinned for a keyshare (C2SP tlog-cosignature vkeys, docs/operators/witness.md) and the
// quorum k of them whose cosignatures every checkpoint must carry (docs/keyshare.md §Witnesses).
// Validated when the user enters them and again when loaded from storage.
import * as keyshare from '@sealpeer/client/keyshare';

export interface WitnessPins {
  /** Cosigner verifier keys, `name+hash+key`. */
  readonly keys: string[];
  /** How many of them must have cosigned (1 ≤ quorum ≤ keys.length). */
  readonly quorum: number;
}

/** At most this many witnesses per keyshare (a hand-entered list; keeps storage small). */
export const MAX_WITNESSES = 16;

/** Checks keys and quorum with the keyshare client's own parser; throws a readable Error. */
export function checkWitnessPins(keys: readonly string[], quorum: number): WitnessPins {
  if (keys.length > MAX_WITNESSES) throw new Error(`At most ${MAX_WITNESSES} witness keys.`);
  for (const k of keys) {
    try {
      keyshare.parseCosignerKey(k);
    } catch {
      throw new Error(`Not a witness key (expected name+hash+key): ${k.slice(0, 80)}`);
    }
  }
  if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > keys.length)
    throw new Error(`The quorum must be a whole number from 1 to ${keys.length}.`);
  keyshare.parseWitnessPolicy({ keys, quorum });
  return { keys: [...keys], quorum };
}

/** The form's text (keys separated by whitespace, a quorum); null when no key is entered. */
export function parseWitnessPins(keysText: string, quorumText: string): WitnessPins | null {
  const keys = keysText.split(/\s+/).filter((k) => k.length > 0);
  if (keys.length === 0) return null;
  return checkWitnessPins(keys, quorumText.trim() === '' ? 1 : Number(quorumText.trim()));
}

/** A stored value as pins, or undefined when it is absent or not valid pins. */
export function storedWitnessPins(v: unknown): WitnessPins | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { keys, quorum } = v as Record<string, unknown>;
  if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string')) return undefined;
  if (typeof quorum !== 'number') return undefined;
  try {
    return checkWitnessPins(keys, quorum);
  } catch {
    return undefined;
  }
}
