// SymmetricState, Noise Protocol Framework rev 34 §5.2 (HKDF per §4.3 over the chosen hash).
import { utf8 } from '../crypto/bytes.ts';
import { type HashFunction, hkdf } from '../crypto/hash.ts';
import { CipherState } from './cipher-state.ts';

const EMPTY = new Uint8Array(0);

/** Noise's HKDF(chaining_key, input_key_material, num_outputs) (§4.3): 2 or 3 HASHLEN outputs. */
export function noiseHkdf(hash: HashFunction, ck: Uint8Array, ikm: Uint8Array, n: 2 | 3): Uint8Array[] {
  const out = hkdf(hash, ikm, ck, EMPTY, n * hash.outputLen);
  const res: Uint8Array[] = [];
  for (let i = 0; i < n; i++) res.push(out.slice(i * hash.outputLen, (i + 1) * hash.outputLen));
  return res;
}

/** Truncates a HASHLEN output to a 32-byte cipher key (§5.2 MixKey / Split, when HASHLEN is 64). */
function key32(b: Uint8Array): Uint8Array {
  return b.slice(0, 32);
}

export class SymmetricState {
  readonly hash: HashFunction;
  readonly cipher = new CipherState();
  #ck: Uint8Array;
  #h: Uint8Array;

  /** InitializeSymmetric(protocol_name) */
  constructor(hash: HashFunction, protocolName: string) {
    this.hash = hash;
    const name = utf8(protocolName);
    if (name.length <= hash.outputLen) {
      this.#h = new Uint8Array(hash.outputLen);
      this.#h.set(name);
    } else {
      this.#h = hash.digest(name);
    }
    this.#ck = this.#h.slice();
  }

  /** MixKey(input_key_material) */
  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = noiseHkdf(this.hash, this.#ck, ikm, 2);
    this.#ck = ck!;
    this.cipher.initializeKey(key32(tempK!));
  }

  /** MixHash(data) */
  mixHash(data: Uint8Array): void {
    this.#h = this.hash.digest(this.#h, data);
  }

  /** MixKeyAndHash(input_key_material) (used for psk tokens, §9.2) */
  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, tempH, tempK] = noiseHkdf(this.hash, this.#ck, ikm, 3);
    this.#ck = ck!;
    this.mixHash(tempH!);
    this.cipher.initializeKey(key32(tempK!));
  }

  /** GetHandshakeHash() */
  get handshakeHash(): Uint8Array {
    return this.#h.slice();
  }

  /** EncryptAndHash(plaintext) */
  encryptAndHash(pt: Uint8Array): Uint8Array {
    const ct = this.cipher.encryptWithAd(this.#h, pt);
    this.mixHash(ct);
    return ct;
  }

  /** DecryptAndHash(ciphertext) */
  decryptAndHash(ct: Uint8Array): Uint8Array {
    const pt = this.cipher.decryptWithAd(this.#h, ct);
    this.mixHash(ct);
    return pt;
  }

  /** Split(): two 32-byte keys, the first for initiator -> responder. */
  split(): [Uint8Array, Uint8Array] {
    const [k1, k2] = noiseHkdf(this.hash, this.#ck, EMPTY, 2);
    return [key32(k1!), key32(k2!)];
  }

  /** Erases the chaining key and the handshake cipher key. */
  destroy(): void {
    this.#ck.fill(0);
    this.cipher.destroy();
  }
}
