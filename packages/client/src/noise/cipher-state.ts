// CipherState, Noise Protocol Framework rev 34 §5.1, with the ChaChaPoly cipher functions of §12.3
// (96-bit nonce = 32 zero bits || 64-bit little-endian counter) and REKEY from §4.2.
import { CryptoError } from '../crypto/errors.ts';
import { AEAD_KEY_BYTES, chacha20poly1305Decrypt, chacha20poly1305Encrypt } from '../crypto/sodium.ts';
import { NoiseError } from './errors.ts';

/** Noise's maximum message length (§3). */
export const NOISE_MAX_MESSAGE = 65535;
/** 2^64 - 1 is reserved (§5.1): a CipherState refuses to use it as a nonce. */
const MAX_NONCE = 0xffffffffffffffffn;

function nonceBytes(n: bigint): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setBigUint64(4, n, true);
  return out;
}

function encrypt(k: Uint8Array, n: bigint, ad: Uint8Array, pt: Uint8Array): Uint8Array {
  return chacha20poly1305Encrypt(k, nonceBytes(n), ad, pt);
}

export class CipherState {
  #k: Uint8Array | undefined;
  #n = 0n;

  /** InitializeKey(key) (§5.1); `undefined` leaves the state keyless (empty k). */
  constructor(key?: Uint8Array) {
    this.initializeKey(key);
  }

  /** InitializeKey(key): sets k and resets n to 0. */
  initializeKey(key: Uint8Array | undefined): void {
    if (key !== undefined && key.length !== AEAD_KEY_BYTES)
      throw new NoiseError('bad_key', `cipher key must be ${AEAD_KEY_BYTES} bytes`);
    this.#k = key?.slice();
    this.#n = 0n;
  }

  /** HasKey() */
  hasKey(): boolean {
    return this.#k !== undefined;
  }

  /** The next nonce this state will use. */
  get nonce(): bigint {
    return this.#n;
  }

  /** SetNonce(nonce) (§5.1), e.g. for out-of-order transport messages with explicit counters. */
  setNonce(n: bigint): void {
    if (n < 0n || n > MAX_NONCE) throw new NoiseError('bad_state', 'nonce out of range');
    this.#n = n;
  }

  /** EncryptWithAd(ad, plaintext): plaintext unchanged when there is no key; otherwise ct || tag. */
  encryptWithAd(ad: Uint8Array, pt: Uint8Array): Uint8Array {
    if (!this.#k) return pt.slice();
    if (this.#n >= MAX_NONCE) throw new NoiseError('nonce_exhausted', 'cipher state used all its nonces');
    if (pt.length + 16 > NOISE_MAX_MESSAGE)
      throw new NoiseError('message_too_long', `ciphertext would exceed ${NOISE_MAX_MESSAGE} bytes`);
    const ct = encrypt(this.#k, this.#n, ad, pt);
    this.#n += 1n;
    return ct;
  }

  /**
   * DecryptWithAd(ad, ciphertext): throws `decrypt_failed` on a bad tag, in which case n is not
   * incremented (§5.1).
   */
  decryptWithAd(ad: Uint8Array, ct: Uint8Array): Uint8Array {
    if (!this.#k) return ct.slice();
    if (this.#n >= MAX_NONCE) throw new NoiseError('nonce_exhausted', 'cipher state used all its nonces');
    if (ct.length > NOISE_MAX_MESSAGE) throw new NoiseError('bad_message', 'ciphertext exceeds 65535 bytes');
    try {
      const pt = chacha20poly1305Decrypt(this.#k, nonceBytes(this.#n), ad, ct);
      this.#n += 1n;
      return pt;
    } catch (err) {
      if (err instanceof CryptoError) throw new NoiseError('decrypt_failed', 'message authentication failed');
      throw err;
    }
  }

  /** Rekey() (§4.2, §5.1): k = first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
  rekey(): void {
    if (!this.#k) throw new NoiseError('bad_state', 'cannot rekey a cipher state without a key');
    const next = encrypt(this.#k, MAX_NONCE, new Uint8Array(0), new Uint8Array(32)).slice(0, 32);
    this.#k.fill(0);
    this.#k = next;
  }

  /** Erases the key; the state is keyless afterwards. */
  destroy(): void {
    this.#k?.fill(0);
    this.#k = undefined;
  }
}
