import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createChannel, credential, joined, login, start, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await start({ limits: { maxInvalidFrames: 5, credentialsPerMinute: 1000, channelsPerMinute: 1000 } });
});
afterAll(() => s.stop());

async function pair(): Promise<{ a: Client; b: Client; aId: string; bId: string; ch: string }> {
  const ch = await createChannel(s);
  const ca = await credential(s, ch);
  const cb = await credential(s, ch);
  return { a: await login(s, ca), b: await login(s, cb), aId: ca.clientId, bId: cb.clientId, ch };
}

describe('echo, subscribe, presence', () => {
  it('echo returns the data with ref', async () => {
    const { client } = await joined(s);
    client.send({ type: 'echo', id: 'e1', data: 'ping ✓' });
    expect(await client.next()).toEqual({ type: 'echo', data: 'ping ✓', ref: 'e1' });
    client.send({ type: 'echo', data: '' });
    expect(await client.next()).toEqual({ type: 'echo', data: '' });
    client.close();
  });

  it('many frames in one burst are answered in order (writes are batched per socket)', async () => {
    const { a, b, bId } = await pair();
    for (let i = 0; i < 40; i++) {
      a.send({ type: 'echo', id: String(i), data: `e${i}` });
      a.send({ type: 'send', to: bId, data: `m${i}` });
    }
    const echoes = [];
    for (let i = 0; i < 40; i++) echoes.push((await a.next()).ref);
    expect(echoes).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    const got = [];
    for (let i = 0; i < 40; i++) got.push((await b.next()).data);
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
    a.close();
    b.close();
  });

  it('subscribe lists the other subscribers; they see join and leave', async () => {
    const { a, b, aId, bId } = await pair();
    a.send({ type: 'subscribe', id: 's' });
    expect(await a.next()).toEqual({ type: 'peers', peers: [], ref: 's' });
    b.send({ type: 'subscribe' });
    expect(await b.next()).toEqual({ type: 'peers', peers: [aId] });
    expect(await a.next()).toEqual({ type: 'presence', event: 'join', clientId: bId });
    b.send({ type: 'subscribe' });
    expect(await b.next()).toEqual({ type: 'peers', peers: [aId] });
    await a.nothing();
    b.close();
    expect(await a.next()).toEqual({ type: 'presence', event: 'leave', clientId: bId });
    a.close();
  });

  it('GET /api/channels/:id counts online clients', async () => {
    const { a, b, ch } = await pair();
    const r = await fetch(`${s.url}/api/channels/${ch}`).then((x) => x.json());
    expect(r.peers).toBe(2);
    a.close();
    b.close();
  });
});

describe('publish and send stay inside the channel', () => {
  it('publish reaches every other subscriber with a server-stamped from, not the sender', async () => {
    const { a, b, aId } = await pair();
    a.send({ type: 'subscribe' });
    b.send({ type: 'subscribe' });
    await a.next();
    await a.next();
    await b.next();
    a.send({ type: 'publish', data: 'offer' });
    expect(await b.next()).toEqual({ type: 'publish', from: aId, data: 'offer' });
    await a.nothing();
    a.close();
    b.close();
  });

  it('publish never reaches another channel', async () => {
    const { a } = await pair();
    const other = await joined(s);
    other.client.send({ type: 'subscribe' });
    await other.client.next();
    a.send({ type: 'subscribe' });
    await a.next();
    a.send({ type: 'publish', data: 'x' });
    await other.client.nothing();
    a.close();
    other.client.close();
  });

  it('send delivers a message to a peer online in the same channel', async () => {
    const { a, b, aId, bId } = await pair();
    a.send({ type: 'send', to: bId, data: '{"sealed":"…"}' });
    expect(await b.next()).toEqual({ type: 'message', from: aId, data: '{"sealed":"…"}' });
    await a.nothing();
    a.close();
    b.close();
  });

  it('send to a client of another channel gets the same peer_not_found as an unknown id', async () => {
    const { a } = await pair();
    const stranger = await joined(s);
    a.send({ type: 'send', id: 'x', to: stranger.cred.clientId, data: 'hi' });
    const cross = await a.next();
    a.send({ type: 'send', id: 'x', to: randomUUID(), data: 'hi' });
    const unknown = await a.next();
    expect(cross).toEqual(unknown);
    expect(cross).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'x' });
    await stranger.client.nothing();
    a.close();
    stranger.client.close();
  });

  it('send to a peer that went offline is peer_not_found', async () => {
    const { a, b, bId } = await pair();
    b.close();
    await b.closed;
    await new Promise((r) => setTimeout(r, 50));
    a.send({ type: 'send', to: bId, data: 'late' });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'peer_not_found' });
    a.close();
  });
});

describe('refused frames', () => {
  it('a client-supplied from is refused as invalid_message and relays nothing', async () => {
    const { a, b, bId } = await pair();
    b.send({ type: 'subscribe' });
    await b.next();
    a.send({ type: 'send', id: 'f', to: bId, data: 'x', from: bId });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid_message', ref: 'f' });
    a.send({ type: 'publish', data: 'x', from: 'admin' });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    await b.nothing();
    a.close();
    b.close();
  });

  it('unknown types are unsupported_type with ref', async () => {
    const { client } = await joined(s);
    for (const type of ['broadcast', 'unsubscribe', 'login_ok', 'toString', '__proto__']) {
      client.send({ type, id: type });
      expect(await client.next()).toMatchObject({ type: 'error', code: 'unsupported_type', ref: type });
    }
    client.close();
  });

  it.each([
    ['data over 48 KiB', { type: 'echo', data: 'x'.repeat(48 * 1024 + 1) }],
    ['data over 48 KiB in UTF-8 bytes', { type: 'echo', data: 'é'.repeat(24 * 1024 + 1) }],
    ['data as object', { type: 'echo', data: { a: 1 } }],
    ['data as number', { type: 'publish', data: 1 }],
    ['data missing', { type: 'publish' }],
    ['to missing', { type: 'send', data: 'x' }],
    ['to as array', { type: 'send', to: ['a'], data: 'x' }],
    ['extra field', { type: 'echo', data: 'x', extra: 1 }],
    ['type missing', { data: 'x' }],
    ['type as number', { type: 7 }],
    ['id over 64', { type: 'echo', data: 'x', id: 'i'.repeat(65) }],
    ['id as number', { type: 'echo', data: 'x', id: 1 }],
    ['deep nesting', { type: 'echo', data: 'x', n: JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`) }],
  ])('%s -> invalid_message', async (_what, frame) => {
    const { client } = await joined(s);
    client.send(frame);
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    client.send({ type: 'echo', data: 'ok' });
    expect(await client.next()).toEqual({ type: 'echo', data: 'ok' });
    client.close();
  });

  it('data of exactly 48 KiB is accepted', async () => {
    const { client } = await joined(s);
    client.send({ type: 'echo', data: 'x'.repeat(48 * 1024) });
    expect((await client.next()).data).toHaveLength(48 * 1024);
    client.close();
  });

  it('non-JSON text, JSON non-objects and binary frames are invalid_message', async () => {
    const { client } = await joined(s);
    // Five invalid frames (the limit in this suite): each answered, then the socket is closed 1008.
    for (const raw of ['{', '[]', 'null', '"login"']) {
      client.send(raw);
      expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    }
    client.ws.send(Buffer.from('{"type":"echo","data":"x"}'), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect((await client.closed).code).toBe(1008);
  });

  it('a frame over 64 KiB closes the socket with 1009; other clients are untouched', async () => {
    const { a, b, bId } = await pair();
    a.send({ type: 'echo', data: 'x'.repeat(65 * 1024) });
    expect((await a.closed).code).toBe(1009);
    b.send({ type: 'echo', data: 'fine' });
    expect(await b.next()).toEqual({ type: 'echo', data: 'fine' });
    const { client } = await joined(s);
    client.send({ type: 'send', to: bId, data: 'y' });
    expect(await client.next()).toMatchObject({ code: 'peer_not_found' });
    b.close();
    client.close();
  });

  it('a connection that keeps sending garbage is closed 1008; its peer is untouched', async () => {
    const { a, b, aId } = await pair();
    for (let i = 0; i < 5; i++) a.send('garbage');
    expect((await a.closed).code).toBe(1008);
    expect(a.frames.filter((f) => f.code === 'invalid_message')).toHaveLength(5);
    b.send({ type: 'echo', data: 'ok' });
    expect(await b.next()).toEqual({ type: 'echo', data: 'ok' });
    b.send({ type: 'send', to: aId, data: 'x' });
    expect(await b.next()).toMatchObject({ code: 'peer_not_found' });
    b.close();
  });
});
