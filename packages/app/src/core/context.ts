// What every screen gets: the server config, navigation, and the alert area. Passed explicitly; the app
// keeps no hidden global state.
import type { AlertArea } from '../ui/alert.ts';
import type { AppConfig } from './config.ts';

export interface AppContext {
  readonly config: AppConfig;
  readonly alerts: AlertArea;
  /** Navigates to a hash route such as `#/c/<id>`. */
  go(hash: string): void;
  /** Opens an invite link (`<origin>/p#<payload>`) in this page. */
  openInvite(uri: string): void;
}

/** A readable one-line description of an error for the UI (message plus code when there is one). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
