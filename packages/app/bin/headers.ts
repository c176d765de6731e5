// Response headers of `sealpeer-app`: exactly the policy the relay server puts on the app (one source:
// packages/server/src/http/security-headers.ts, a file without imports), with connect-src also naming
// the relay, since here the relay is on another origin: its ws(s) origin for /ws, its http(s) origin
// (passed among the extra origins) for the HTTP API, and every keyshare.
import { securityHeaders } from '../../server/src/http/security-headers.ts';

export interface AppOrigins {
  /** The relay server's origin (http/https), or undefined when the app talks to its own origin. */
  relay?: string;
  keyshares: readonly string[];
}

export function appHeaders(o: AppOrigins): Record<string, string> {
  const relay = o.relay ? [new URL(o.relay).origin] : [];
  return securityHeaders({ wsOrigins: relay, keyshareUrls: [...relay, ...o.keyshares] });
}
