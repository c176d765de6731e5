// Key strings parsed by hand from the C2SP signed-note / tlog-cosignature text, with node:crypto only
// (no code from src/ or @sealpeer/client), for the independent interop checks.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';

/** `<name>+<hex key ID>+<base64(alg || 32-byte Ed25519 key)>`; checks the type byte and the key ID. */
export function independentKey(
  vkey: string,
  alg: 0x01 | 0x04,
): { name: string; keyId: Buffer; pk: Buffer; nodeKey: KeyObject } {
  const [name, idHex, keyB64] = [
    vkey.slice(0, vkey.indexOf('+')),
    vkey.split('+')[1]!,
    vkey.split('+').slice(2).join('+'),
  ];
  const keyBytes = Buffer.from(keyB64, 'base64');
  expect(keyBytes[0]).toBe(alg);
  const pk = keyBytes.subarray(1);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([alg]), pk]))
    .digest()
    .subarray(0, 4);
  expect(keyId.toString('hex')).toBe(idHex);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]);
  return { name, keyId, pk, nodeKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }) };
}
