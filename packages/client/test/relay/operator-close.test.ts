// What a client does when the relay's operator acts on it (docs/protocol.md 2.13, "Operator closes"),
// against a real server with its loopback admin listener: a kick is a drop (the client reconnects);
// a ban or a purged channel is terminal (offline at once, no reconnect loop against a refusal).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer } from '@sealpeer/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealpeerClient } from '../../src/client.ts';
import type { RelayError } from '../../src/errors/client-errors.ts';
import type { RelayState } from '../../src/relay/link.ts';
import { newClient } from '../support/peers.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let dataDir: string;
let admin: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-operator-close-'));
  server = await startServer({
    port: 0,
    adminPort: 0,
    dataDir,
    appDir: join(dataDir, 'no-app'),
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
    limits: { credentialsPerMinute: 10_000, channelsPerMinute: 10_000 },
  });
  if (!server.adminUrl) throw new Error('the admin listener did not start');
  admin = server.adminUrl;
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function adminPost(path: string, body?: unknown): Promise<number> {
  const r = await fetch(`${admin}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await r.arrayBuffer();
  return r.status;
}

/** Records the client's relay states with the error each came with. */
function states(c: SealpeerClient) {
  const seen: Array<{ s: RelayState; err?: RelayError }> = [];
  c.on('relay-state', (s, err) => seen.push({ s, err }));
  const reach = (s: RelayState, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (seen.some((x) => x.s === s)) {
          clearInterval(t);
          clearTimeout(to);
          resolve();
        }
      }, 20);
      const to = setTimeout(() => {
        clearInterval(t);
        reject(new Error(`no ${s} within ${ms} ms (saw ${seen.map((x) => x.s)})`));
      }, ms);
    });
  return { seen, reach };
}

const FAST = { reconnect: { minDelayMs: 50, maxDelayMs: 200 } };

describe('operator closes', () => {
  it('kick (4410): the client reconnects with the same clientId', async () => {
    const c = await newClient(server.url, undefined, FAST);
    try {
      const st = states(c);
      const id = c.clientId;
      expect(await adminPost('/admin/kick', { clientId: id })).toBe(200);
      await st.reach('reconnecting');
      await st.reach('connected');
      expect(c.relayState).toBe('connected');
      expect(c.clientId).toBe(id);
      expect(st.seen.some((x) => x.s === 'offline')).toBe(false);
    } finally {
      c.close();
    }
  });

  it('credential ban (4403): offline at once, serverCode banned, no reconnect attempt', async () => {
    const c = await newClient(server.url, undefined, FAST);
    try {
      const st = states(c);
      const code = await adminPost('/admin/bans', { kind: 'credential', target: c.clientId, duration: '1h' });
      expect(code).toBe(201);
      await st.reach('offline');
      const off = st.seen.find((x) => x.s === 'offline');
      expect(off?.err?.code).toBe('relay_offline');
      expect(off?.err?.serverCode).toBe('banned');
      expect(st.seen.some((x) => x.s === 'reconnecting')).toBe(false);
    } finally {
      c.close();
    }
  });

  it('purged channel (4404): offline at once, serverCode channel_purged', async () => {
    const c = await newClient(server.url, undefined, FAST);
    try {
      const st = states(c);
      expect(await adminPost(`/admin/channels/${c.channelId}/purge`)).toBe(200);
      await st.reach('offline');
      const off = st.seen.find((x) => x.s === 'offline');
      expect(off?.err?.serverCode).toBe('channel_purged');
      expect(st.seen.some((x) => x.s === 'reconnecting')).toBe(false);
    } finally {
      c.close();
    }
  });
});
