// What the server tells the app at GET /api/config: where the relay's WebSocket is, which ICE servers to
// use and which keyshares to ask. Validated; a server without the route gets same-origin defaults.
import { ApiError, fetchJson } from './http.ts';
import { list, record, str } from './validate.ts';

export interface AppConfig {
  /** The relay server's HTTP origin, e.g. http://127.0.0.1:8080. */
  server: string;
  wsUrl: string;
  iceServers: RTCIceServer[];
  keyshareUrls: string[];
  /** Whether the server issues TURN credentials (GET /api/turn): needed to hide the IP address in calls. */
  turn: boolean;
}

function iceServer(v: unknown): RTCIceServer {
  const o = record(v, 'iceServers[]');
  const urls = o.urls;
  const ok = typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'));
  if (!ok) throw new ApiError('bad_response', 'iceServers[].urls: expected a string or a list of strings', 0);
  const out: RTCIceServer = { urls: urls as string | string[] };
  if (typeof o.username === 'string') out.username = o.username;
  if (typeof o.credential === 'string') out.credential = o.credential;
  return out;
}

/** Parses a /api/config answer. */
export function parseConfig(body: unknown, server: string): AppConfig {
  const o = record(body, 'config');
  return {
    server,
    wsUrl: str(o, 'wsUrl', 'config', 2048),
    iceServers: list(o, 'iceServers', 'config', 32).map(iceServer),
    keyshareUrls: list(o, 'keyshareUrls', 'config', 16).map((u) => {
      if (typeof u !== 'string') throw new ApiError('bad_response', 'keyshareUrls[]: expected strings', 0);
      return u;
    }),
    turn: o.turn === true,
  };
}

/** Same-origin defaults, used when the server has no /api/config. */
export function defaultConfig(server: string): AppConfig {
  const ws = new URL('/ws', server);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  return { server, wsUrl: ws.href, iceServers: [], keyshareUrls: [], turn: false };
}

/** Loads the config of the server at `server` (an origin). */
export async function loadConfig(server: string): Promise<AppConfig> {
  try {
    return parseConfig(await fetchJson(new URL('/api/config', server).href), server);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return defaultConfig(server);
    throw err;
  }
}
