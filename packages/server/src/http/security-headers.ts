// Headers on every public response: a strict Content-Security-Policy whose connect-src names this
// relay's ws(s) URLs and every configured keyshare, no referrer, no MIME sniffing, no framing.

export interface CspSources {
  /** ws:// or wss:// URLs of this relay (origin only). */
  wsOrigins: readonly string[];
  /** Keyshare base URLs (their origins are allowed). */
  keyshareUrls: readonly string[];
}

export function contentSecurityPolicy(src: CspSources): string {
  const connect = new Set<string>(["'self'"]);
  for (const u of src.wsOrigins) connect.add(new URL(u).origin.replace(/^http/, 'ws'));
  for (const u of src.keyshareUrls) connect.add(new URL(u).origin);
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets the page compile WebAssembly (libsodium-wrappers is wasm-only); it does
    // not allow eval() of JavaScript. Without it the browser app cannot load its crypto.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src ${[...connect].join(' ')}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function securityHeaders(src: CspSources): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(src),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
