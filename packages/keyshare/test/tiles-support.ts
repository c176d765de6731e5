// Shared by the tiles and witness tests: fill a keyshare with claims quickly (in-process publish).
import type { RunningKeyshare } from '../src/index.ts';
import { signedClaim } from './helpers.ts';

/** Claims `count` handles `h00000`… directly through the service (no HTTP round trip each). */
export async function fillClaims(ks: RunningKeyshare, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++)
    ks.service.publish(await signedClaim(`h${String(i).padStart(5, '0')}`));
}
