// Watching one's own handle: the log must never show a record for it that this device did not sign.
import type { KeyshareClient, LookupResult } from './client.ts';
import { bytesEqual } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareRequestError } from './errors.ts';

export type WatchAlert =
  | { kind: 'foreign_record'; message: string; result: LookupResult }
  | { kind: 'missing'; message: string }
  | { kind: 'integrity'; message: string; error: KeyshareIntegrityError };

export interface WatchOptions {
  /** Identity public keys this user has ever published for the handle (current and past). */
  readonly ownKeys: () => Uint8Array[];
  readonly onAlert: (alert: WatchAlert) => void;
  /** Poll interval; 0 disables the timer (call check() yourself). Default 5 minutes. */
  readonly intervalMs?: number;
}

export interface OwnHandleWatch {
  /** Runs one check now; resolves to the alert raised, or null when all is well. */
  check(): Promise<WatchAlert | null>;
  stop(): void;
}

export function watchOwnHandle(
  client: KeyshareClient,
  handle: string,
  options: WatchOptions,
): OwnHandleWatch {
  const check = async (): Promise<WatchAlert | null> => {
    let alert: WatchAlert | null = null;
    try {
      const res = await client.lookup(handle);
      const own = options.ownKeys().some((k) => bytesEqual(k, res.identityKey));
      if (!own) {
        alert = {
          kind: 'foreign_record',
          message: `the keyshare shows a ${res.record.kind} record for ${handle} that this device did not sign`,
          result: res,
        };
      }
    } catch (err) {
      if (err instanceof KeyshareIntegrityError)
        alert = { kind: 'integrity', message: err.message, error: err };
      else if (err instanceof KeyshareRequestError && err.status === 404) {
        alert = { kind: 'missing', message: `the keyshare no longer shows a record for ${handle}` };
      } else throw err;
    }
    if (alert) options.onAlert(alert);
    return alert;
  };
  const interval = options.intervalMs ?? 5 * 60_000;
  const timer = interval > 0 ? setInterval(() => void check().catch(() => undefined), interval) : null;
  return {
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
