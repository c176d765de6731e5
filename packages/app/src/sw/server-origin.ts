// Where the relay lives. The app works from any origin: by default the relay is the origin that serves
// the app; an operator who hosts the app elsewhere puts `config.json` beside index.html:
//   { "server": "https://relay.example.org" }
// config.json is operator configuration, not part of a release (never pinned, see UNPINNED_FILES).

export interface RuntimeConfig {
  /** The relay server's origin. */
  readonly server: string;
}

/** Validates a config.json body; undefined when it is not a usable config. */
export function parseRuntimeConfig(v: unknown): RuntimeConfig | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const server = (v as { server?: unknown }).server;
  if (typeof server !== 'string' || server.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return { server: u.origin };
}

/** The relay origin: config.json's `server` when present and valid, else the page's own origin. */
export async function loadServerOrigin(base: string = location.href): Promise<string> {
  try {
    const res = await fetch(new URL('config.json', new URL('/', base)).href, {
      cache: 'no-store',
      credentials: 'omit',
    });
    if (res.ok) {
      const cfg = parseRuntimeConfig(await res.json());
      if (cfg) return cfg.server;
    }
  } catch {
    // no config.json (or not JSON): same origin
  }
  return new URL(base).origin;
}
