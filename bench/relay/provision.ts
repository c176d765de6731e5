// Builds the client list for each relay: sealpeer clients get real credentials from the HTTP API
// (POST /api/channels, POST /api/channels/:id/sessions) and log in with them; the baselines take any id.
import { type ClientSpec, loopbackAddress, type TargetKind } from './clients.ts';

export interface Started {
  url: string;
  httpUrl: string;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} -> HTTP ${res.status}: ${text.slice(0, 300)}`);
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null) throw new Error(`POST ${url}: not a JSON object`);
  return json as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Error(`${where}: answer has no string "${key}": ${JSON.stringify(o)}`);
  return v;
}

/** A fresh sealpeer channel id. */
export async function createChannel(httpUrl: string): Promise<string> {
  const ch = await postJson(`${httpUrl}/api/channels`, { public: false });
  return str(ch, 'channelId', 'POST /api/channels');
}

/** Get-or-create one credential for `sessionId` in `channelId`: {clientId, password}. */
export async function createCredential(
  httpUrl: string,
  channelId: string,
  sessionId: string,
): Promise<{ clientId: string; password: string }> {
  const c = await postJson(`${httpUrl}/api/channels/${channelId}/sessions`, { sessionId });
  const where = 'POST /api/channels/:id/sessions';
  return { clientId: str(c, 'clientId', where), password: str(c, 'password', where) };
}

/** A session id as a browser makes one (a random UUID). */
export function newSessionId(): string {
  return crypto.randomUUID();
}

async function sealpeerClient(s: Started, channelId: string, i: number, spread: number): Promise<ClientSpec> {
  const sessionId = newSessionId();
  const cred = await createCredential(s.httpUrl, channelId, sessionId);
  const localAddress = loopbackAddress(i, spread);
  return {
    url: s.url,
    id: cred.clientId,
    hello: JSON.stringify({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId }),
    readyMarker: '"login_ok"',
    ...(localAddress ? { localAddress } : {}),
  };
}

/**
 * `n` clients for relay `kind`. Sealpeer clients share channels `perChannel` at a time (a pair per
 * channel for the throughput runs), with credentials made `concurrency` requests at a time.
 */
export async function provisionClients(
  kind: TargetKind,
  s: Started,
  n: number,
  opts: { perChannel?: number; spread?: number; concurrency?: number } = {},
): Promise<ClientSpec[]> {
  const spread = opts.spread ?? 1;
  if (kind !== 'sealpeer') {
    return Array.from({ length: n }, (_, i) => {
      const id = `c${i}`;
      const localAddress = loopbackAddress(i, spread);
      const url = kind === 'peerjs' ? `${s.url}?key=peerjs&id=${id}&token=t${i}` : `${s.url}?id=${id}`;
      return {
        url,
        id,
        ...(kind === 'peerjs' ? { readyMarker: '"OPEN"' } : {}),
        ...(localAddress ? { localAddress } : {}),
      };
    });
  }
  const perChannel = opts.perChannel ?? 2;
  const channels: string[] = [];
  for (let i = 0; i < Math.ceil(n / perChannel); i++) channels.push(await createChannel(s.httpUrl));
  const out: ClientSpec[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await sealpeerClient(s, channels[Math.floor(i / perChannel)]!, i, spread);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 32, n) }, worker));
  return out;
}
