// Shared by the tiles and witness tests: fill a keyshare with claims quickly (in-process publish).
import { keyshare } from '@sealpeer/client';
import type { RunningKeyshare } from '../src/index.ts';
import { signedRecord, testKey } from './helpers.ts';

/** Claims `count` handles `h00000`… directly through the service (no HTTP round trip each). */
export async function fillClaims(ks: RunningKeyshare, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const handle = `h${String(i).padStart(5, '0')}`;
    const k = testKey(handle);
    const body = await signedRecord(
      {
        kind: 'claim',
        handle,
        seq: 0,
        createdAt: Date.now(),
        expiresAt: null,
        identityKey: k.signer.publicKey,
        x25519Key: k.x25519Key,
        prev: keyshare.ZERO_HASH,
      },
      k.signer,
    );
    ks.service.publish(body);
  }
}
