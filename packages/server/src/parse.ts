// Parsers for configuration values that arrive as strings (flags, env vars). Each validates before it
// types: a wrong value throws an Error whose message says what is expected.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '500ms', '10s', '10m', '1h', '14d', or a bare number of seconds -> milliseconds; undefined if invalid. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** What fastify and proxy-addr accept as "trust proxy": off, on, a hop count, or addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

export function parseTrustProxy(raw: string): TrustProxy {
  const v = raw.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** RTCIceServer as the browser's RTCPeerConnection takes it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

function isIceUrl(u: unknown): u is string {
  return typeof u === 'string' && /^(stun|stuns|turn|turns):[^\s]+$/.test(u);
}

export function parseIceServers(raw: string): IceServer[] {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error(`--ice-servers wants JSON like [{"urls":"stun:stun.example:3478"}], got '${raw}'`);
  }
  if (!Array.isArray(v)) throw new Error('--ice-servers wants a JSON array of RTCIceServer objects');
  return v.map((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      throw new Error(`--ice-servers[${i}] is not an object`);
    const o = s as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (k !== 'urls' && k !== 'username' && k !== 'credential')
        throw new Error(`--ice-servers[${i}] has an unknown field '${k}'`);
    const urls = o.urls;
    const ok = isIceUrl(urls) || (Array.isArray(urls) && urls.length > 0 && urls.every(isIceUrl));
    if (!ok) throw new Error(`--ice-servers[${i}].urls wants stun:/turn: URL(s)`);
    const out: IceServer = { urls: urls as string | string[] };
    for (const k of ['username', 'credential'] as const) {
      const val = o[k];
      if (val === undefined) continue;
      if (typeof val !== 'string') throw new Error(`--ice-servers[${i}].${k} must be a string`);
      out[k] = val;
    }
    return out;
  });
}
