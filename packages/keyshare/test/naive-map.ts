// The verifiable map straight from its definition (docs/keyshare.md §Map), for checking the fast one:
//   H(S, d) = MAP_EMPTY                                  if S is empty
//           = leafHash(k, v)                             if S = {(k, v)}
//           = nodeHash(H(S0, d+1), H(S1, d+1))           otherwise, S_b = entries whose key bit d is b
// Entries are a plain JS Map; nothing is cached.
import * as keyshare from '@sealpeer/client/keyshare';

export interface NaiveEntry {
  key: Uint8Array;
  value: keyshare.MapValue;
}

export class NaiveMap {
  readonly entries = new Map<string, NaiveEntry>();

  set(key: Uint8Array, value: keyshare.MapValue): void {
    this.entries.set(Buffer.from(key).toString('hex'), { key, value });
  }

  get(key: Uint8Array): keyshare.MapValue | null {
    return this.entries.get(Buffer.from(key).toString('hex'))?.value ?? null;
  }

  root(): Uint8Array {
    return hashOf([...this.entries.values()], 0);
  }
}

function hashOf(s: NaiveEntry[], d: number): Uint8Array {
  if (s.length === 0) return keyshare.MAP_EMPTY;
  if (s.length === 1) return keyshare.mapLeafHash(s[0]!.key, s[0]!.value);
  const left = s.filter((e) => keyshare.keyBit(e.key, d) === 0);
  const right = s.filter((e) => keyshare.keyBit(e.key, d) === 1);
  return keyshare.mapNodeHash(hashOf(left, d + 1), hashOf(right, d + 1));
}
