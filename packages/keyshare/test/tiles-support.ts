// Shared by the tiles and witness tests: fill a keyshare with claims quickly (in-process publish).
import { keyshare } from '@sealpeer/client';
import type { RunningKeyshare } from '../src/index.ts';
import { signedRecord, testKey } from './helpers.ts';

/** A signed claim of `handle` by its test key, as the JSON body of POST /v1/records. */
export function claimBody(handle: string): Promise<keyshare.RecordJson> {
  const k = testKey(handle);
  return signedRecord(
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
}

/** Claims `count` handles `h00000`… directly through the service (no HTTP round trip each). */
export async function fillClaims(ks: RunningKeyshare, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++)
    ks.service.publish(await claimBody(`h${String(i).padStart(5, '0')}`));
}
