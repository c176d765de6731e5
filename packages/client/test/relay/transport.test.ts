// The relay transport (docs/protocol.md Part 1 as a client): HTTP calls and the /ws login against a real
// server, and the typed errors for each way it can go wrong.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RelayConnection, type WebSocketCtor } from '../../src/relay/connection.ts';
import { createChannel, getCredential, wsUrl } from '../../src/relay/http.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
const WS = WebSocket as unknown as WebSocketCtor;

async function login(channelId?: string, sessionId = randomUUID()) {
  const ch = channelId ?? (await createChannel(server.url));
  const cred = await getCredential(server.url, ch, sessionId);
  const conn = await RelayConnection.open({ url: wsUrl(server.url), ...cred, WebSocket: WS });
  return { conn, cred, channelId: ch };
}

describe('relay transport', () => {
  it('maps http(s) server URLs to the /ws URL', () => {
    expect(wsUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/ws');
    expect(wsUrl('https://relay.example.org/base?x=1#y')).toBe('wss://relay.example.org/ws');
  });

  it('creates a private channel, logs in, subscribes, sends and publishes', async () => {
    const a = await login();
    const b = await login(a.channelId);
    expect(a.conn.channelId).toBe(a.channelId);
    const peers = await b.conn.subscribe();
    expect(await a.conn.subscribe()).toContain(b.cred.clientId);
    expect(peers).toEqual([]);
    const got = new Promise((r) => b.conn.once('message', r));
    a.conn.send(b.cred.clientId, 'opaque');
    expect(await got).toEqual({ from: a.cred.clientId, data: 'opaque', via: 'message' });
    const pub = new Promise((r) => a.conn.once('message', r));
    b.conn.publish('to all');
    expect(await pub).toEqual({ from: b.cred.clientId, data: 'to all', via: 'publish' });
    a.conn.close();
    b.conn.close();
  });

  it('reports a server error with the ref of the frame that caused it (peer_not_found)', async () => {
    const a = await login();
    await a.conn.subscribe();
    const err = new Promise<[string, string | undefined]>((r) =>
      a.conn.once('server-error', (c, ref) => r([c, ref])),
    );
    const id = a.conn.send('nobody', 'x');
    expect(await err).toEqual(['peer_not_found', id]);
    a.conn.close();
  });

  it('a wrong password → RelayError relay_refused with the server code', async () => {
    const ch = await createChannel(server.url);
    const sessionId = randomUUID();
    const cred = await getCredential(server.url, ch, sessionId);
    const err = await RelayConnection.open({
      url: wsUrl(server.url),
      ...cred,
      password: 'wrong',
      WebSocket: WS,
    }).catch((e) => e);
    expect(err).toMatchObject({ name: 'RelayError', code: 'relay_refused', serverCode: 'auth_failed' });
  });

  it('a second login with the same credential punts the first (relay_punted)', async () => {
    const a = await login();
    const closed = new Promise<{ code: string }>((r) => a.conn.once('close', r));
    const again = await RelayConnection.open({ url: wsUrl(server.url), ...a.cred, WebSocket: WS });
    expect((await closed).code).toBe('relay_punted');
    again.close();
  });

  it('HTTP errors carry the server code; an unreachable server is relay_unreachable', async () => {
    await expect(getCredential(server.url, randomUUID(), randomUUID())).rejects.toMatchObject({
      code: 'relay_http_error',
      serverCode: 'channel_not_found',
    });
    await expect(createChannel('http://127.0.0.1:1')).rejects.toMatchObject({ code: 'relay_unreachable' });
    await expect(
      RelayConnection.open({
        url: 'ws://127.0.0.1:1/ws',
        clientId: 'x',
        password: 'y',
        sessionId: 'z',
        WebSocket: WS,
      }),
    ).rejects.toMatchObject({ code: 'relay_unreachable' });
  });
});
