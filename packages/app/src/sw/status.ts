// The words the user reads about the app's integrity. One function per state; plain language, the
// version and key always named, the file at fault named when there is one.
import { ReleaseError } from '@sealpeer/client/release';
import type { PinnedRelease } from './pin-store.ts';
import type { IntegrityStatus } from './protocol.ts';

export function pinnedStatus(p: PinnedRelease, note?: string): IntegrityStatus {
  const base = `Running version ${p.version}, signed by release key ${p.key}, pinned in this browser.`;
  return { state: 'pinned', version: p.version, key: p.key, message: note ? `${base} ${note}` : base };
}

export function updatedStatus(from: PinnedRelease, to: PinnedRelease): IntegrityStatus {
  return {
    state: 'updated',
    version: to.version,
    key: to.key,
    message: `Version ${to.version} (was ${from.version}), signed by your pinned release key ${to.key}, is verified and pinned. Reload the page to run it.`,
  };
}

export function warningStatus(p: PinnedRelease, err: ReleaseError): IntegrityStatus {
  const what = err.file ? `it serves a modified ${err.file}` : err.message;
  const out: IntegrityStatus = {
    state: 'warning',
    version: p.version,
    key: p.key,
    code: err.code,
    message:
      `Warning: this server is serving an app that your pinned release key ${p.key} did not sign (${what}). ` +
      `You are still running the pinned version ${p.version}. Do not trust this server's copy of the app.`,
  };
  return err.file ? { ...out, file: err.file } : out;
}

export function failedStatus(err: unknown): IntegrityStatus {
  const message = err instanceof Error ? err.message : String(err);
  const out: IntegrityStatus = {
    state: 'failed',
    message: `The app this server serves does not verify against its release key, so it was not pinned: ${message}`,
  };
  if (err instanceof ReleaseError)
    return err.file ? { ...out, code: err.code, file: err.file } : { ...out, code: err.code };
  return out;
}
