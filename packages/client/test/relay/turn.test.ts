// GET /api/turn from the client (src/relay/turn.ts, docs/protocol.md Part 1 §1.2): a connected client gets
// coturn REST credentials for its own relay credential from a real server; a server without TURN says
// `turn_disabled`; a malformed answer is refused field by field, never cast.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, startServer } from '@sealpeer/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../src/errors/client-errors.ts';
import { getTurnServers, parseTurnReply } from '../../src/relay/turn.ts';
import { newClient } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const plain = useLocalServer();
const SECRET = 'north-turn-secret';

describe('SealpeerClient.turnServers()', () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-client-turn-'));
    server = await startServer({
      port: 0,
      adminPort: -1,
      dataDir,
      appDir: join(dataDir, 'no-app'),
      logLevel: 'warn',
      logStream: new Writable({ write: (_c, _e, cb) => cb() }),
      turnSecret: SECRET,
      turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example:5349?transport=tcp'],
      turnTtlMs: 600_000,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns ICE servers with coturn REST credentials for this client (HMAC-SHA1 of the username)', async () => {
    const client = await newClient(server.url);
    try {
      const t = await client.turnServers();
      expect(t.ttl).toBe(600);
      expect(t.iceServers).toHaveLength(1);
      const [ice] = t.iceServers;
      expect(ice!.urls).toEqual([
        'turn:127.0.0.1:3478?transport=udp',
        'turns:turn.example:5349?transport=tcp',
      ]);
      const [expiry, user] = ice!.username.split(':');
      expect(user).toBe(client.clientId);
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
      expect(ice!.credential).toBe(createHmac('sha1', SECRET).update(ice!.username).digest('base64'));
    } finally {
      client.close();
    }
  });

  it('a server without TURN: relay_http_error with serverCode turn_disabled', async () => {
    const client = await newClient(plain.url);
    try {
      const err = await client.turnServers().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RelayError);
      expect(err).toMatchObject({ code: 'relay_http_error', serverCode: 'turn_disabled' });
    } finally {
      client.close();
    }
  });

  it('a wrong password: relay_http_error auth_failed', async () => {
    const err = await getTurnServers(server.url, { clientId: 'nobody', password: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'relay_http_error', serverCode: 'auth_failed' });
  });

  it('an unreachable server: relay_unreachable', async () => {
    const err = await getTurnServers('http://127.0.0.1:9', { clientId: 'a', password: 'b' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'relay_unreachable' });
  });
});

describe('parseTurnReply refuses malformed answers', () => {
  const good = { urls: ['turn:t.example:3478'], username: '1:a', credential: 'c2VjcmV0' };
  it('accepts a well-formed answer (urls as a string too)', () => {
    expect(parseTurnReply({ ttl: 60, iceServers: [good] })).toEqual({ ttl: 60, iceServers: [good] });
    expect(
      parseTurnReply({ ttl: 60, iceServers: [{ ...good, urls: 'turns:t.example:5349' }] }).iceServers[0]!
        .urls,
    ).toEqual(['turns:t.example:5349']);
  });
  it.each([
    ['not an object', []],
    ['null', null],
    ['no iceServers', { ttl: 60 }],
    ['empty iceServers', { ttl: 60, iceServers: [] }],
    ['too many iceServers', { ttl: 60, iceServers: Array(9).fill(good) }],
    ['no ttl', { iceServers: [good] }],
    ['ttl not an integer', { ttl: 1.5, iceServers: [good] }],
    ['ttl zero', { ttl: 0, iceServers: [good] }],
    ['server not an object', { ttl: 60, iceServers: ['turn:x'] }],
    ['a stun: URL (no relay)', { ttl: 60, iceServers: [{ ...good, urls: ['stun:t.example'] }] }],
    ['an http URL', { ttl: 60, iceServers: [{ ...good, urls: ['https://evil.example/'] }] }],
    ['urls empty', { ttl: 60, iceServers: [{ ...good, urls: [] }] }],
    ['urls not strings', { ttl: 60, iceServers: [{ ...good, urls: [1] }] }],
    ['username missing', { ttl: 60, iceServers: [{ urls: good.urls, credential: 'c' }] }],
    ['credential oversize', { ttl: 60, iceServers: [{ ...good, credential: 'c'.repeat(513) }] }],
  ])('%s', (_what, body) => {
    expect(() => parseTurnReply(body)).toThrow(expect.objectContaining({ code: 'relay_bad_frame' }));
  });
});
