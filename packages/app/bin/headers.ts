// Response headers of `sealpeer-app`: the same policy the relay server puts on the app (strict CSP, no
// referrer, no sniffing, no framing), with connect-src naming the configured relay and keyshares, since
// here the relay is on another origin.

export interface AppOrigins {
  /** The relay server's origin (http/https), or undefined when the app talks to its own origin. */
  relay?: string;
  keyshares: readonly string[];
}

/** CSP Level 3 policy for the app; connect-src gets the relay's http(s) and ws(s) origins. */
export function appCsp(o: AppOrigins): string {
  const connect = ["'self'"];
  if (o.relay) {
    const http = new URL(o.relay).origin;
    connect.push(http, http.replace(/^http/, 'ws'));
  }
  for (const k of o.keyshares) connect.push(new URL(k).origin);
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval': WebAssembly compilation for libsodium; it does not allow eval() of JavaScript.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function appHeaders(o: AppOrigins): Record<string, string> {
  return {
    'content-security-policy': appCsp(o),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
