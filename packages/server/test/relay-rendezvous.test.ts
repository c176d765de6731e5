// docs/protocol.md Part 1, 1.8: rendezvous tags let two contacts in different channels reach each
// other; nobody without the tag can, and malformed tag lists are refused without changing anything.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTags } from '../src/relay/rendezvous.ts';
import { type Client, joined, start, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await start({
    limits: {
      maxInvalidFrames: 5,
      credentialsPerMinute: 1000,
      channelsPerMinute: 1000,
      maxRendezvousTags: 8,
    },
  });
});
afterAll(() => s.stop());

const tag = (): string => randomBytes(32).toString('base64url');

/** A logged-in client alone in a fresh private channel. */
async function alone(): Promise<{ c: Client; id: string }> {
  const { client, cred } = await joined(s);
  return { c: client, id: cred.clientId };
}

describe('rendezvous tags', () => {
  it('two clients in different channels find each other on a shared tag and can send both ways', async () => {
    const t = tag();
    const a = await alone();
    const b = await alone();
    a.c.send({ type: 'rendezvous', id: 'r', tags: `${tag()},${t}` });
    expect(await a.c.next()).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'r' });
    b.c.send({ type: 'rendezvous', tags: t });
    expect(await b.c.next()).toEqual({ type: 'rendezvous_ok', matches: [{ tag: t, clientId: a.id }] });
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: b.id });
    a.c.send({ type: 'send', to: b.id, data: 'hi b' });
    expect(await b.c.next()).toEqual({ type: 'message', from: a.id, data: 'hi b' });
    b.c.send({ type: 'send', to: a.id, data: 'hi a' });
    expect(await a.c.next()).toEqual({ type: 'message', from: b.id, data: 'hi a' });
    // Presence and publish stay per channel.
    a.c.send({ type: 'publish', data: 'all' });
    await b.c.nothing();
    b.c.close();
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'leave', tag: t, clientId: b.id });
    a.c.close();
  });

  it('a third client without the tag cannot send to either, learns nothing, and its own tags match nothing', async () => {
    const t = tag();
    const a = await alone();
    const b = await alone();
    const eve = await alone();
    a.c.send({ type: 'rendezvous', tags: t });
    await a.c.next();
    b.c.send({ type: 'rendezvous', tags: t });
    await b.c.next();
    await a.c.next(); // join
    eve.c.send({ type: 'send', id: 'x', to: a.id, data: 'let me in' });
    expect(await eve.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'x' });
    eve.c.send({ type: 'rendezvous', id: 'g', tags: `${tag()},${tag()}` });
    expect(await eve.c.next()).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'g' });
    eve.c.send({ type: 'send', id: 'y', to: b.id, data: 'still no' });
    expect(await eve.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'y' });
    await a.c.nothing();
    await b.c.nothing();
    for (const x of [a, b, eve]) x.c.close();
  });

  it('a new list replaces the old one: dropped tags tell their partners leave, and sends stop', async () => {
    const t = tag();
    const a = await alone();
    const b = await alone();
    a.c.send({ type: 'rendezvous', tags: t });
    await a.c.next();
    b.c.send({ type: 'rendezvous', tags: t });
    await b.c.next();
    await a.c.next();
    b.c.send({ type: 'rendezvous', id: 'clear', tags: '' });
    expect(await b.c.next()).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'clear' });
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'leave', tag: t, clientId: b.id });
    a.c.send({ type: 'send', id: 'z', to: b.id, data: 'gone?' });
    expect(await a.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'z' });
    a.c.close();
    b.c.close();
  });

  it('refuses malformed lists (invalid_message, counted) without changing the set', async () => {
    const t = tag();
    const a = await alone();
    const b = await alone();
    a.c.send({ type: 'rendezvous', tags: t });
    await a.c.next();
    const bad: unknown[] = [
      { type: 'rendezvous', id: '1', tags: 'short' },
      { type: 'rendezvous', id: '2', tags: `${t},${t}` }, // duplicate
      { type: 'rendezvous', id: '3', tags: Array.from({ length: 9 }, tag).join(',') }, // over the limit (8)
      { type: 'rendezvous', id: '4', tags: `${t.slice(0, 42)}B` }, // non-canonical last character
    ];
    for (const f of bad) {
      b.c.send(f);
      expect(await b.c.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    }
    b.c.send({ type: 'send', id: 'n', to: a.id, data: 'x' });
    expect(await b.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found' });
    b.c.send({ type: 'rendezvous', tags: 42 });
    expect(await b.c.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect((await b.c.closed).code).toBe(1008); // fifth invalid frame
    await a.c.nothing();
    a.c.close();
  });

  it('a tag holds at most 4 listeners; a fifth gets rendezvous_full and keeps its old list', async () => {
    const t = tag();
    const own = tag();
    const four = await Promise.all([alone(), alone(), alone(), alone()]);
    for (const x of four) {
      x.c.send({ type: 'rendezvous', tags: t });
      await x.c.next();
    }
    const fifth = await alone();
    fifth.c.send({ type: 'rendezvous', tags: own });
    await fifth.c.next();
    fifth.c.send({ type: 'rendezvous', id: 'f', tags: `${own},${t}` });
    expect(await fifth.c.next()).toMatchObject({ type: 'error', code: 'rendezvous_full', ref: 'f' });
    fifth.c.send({ type: 'send', id: 's', to: four[0].id, data: 'x' });
    expect(await fifth.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 's' });
    for (const x of [...four, fifth]) x.c.close();
  });

  it('dialers of a tag (~) see and reach only its listeners, never each other', async () => {
    const t = tag();
    const owner = await alone();
    const d1 = await alone();
    const d2 = await alone();
    owner.c.send({ type: 'rendezvous', tags: t });
    expect(await owner.c.next()).toEqual({ type: 'rendezvous_ok', matches: [] });
    d1.c.send({ type: 'rendezvous', tags: `~${t}` });
    expect(await d1.c.next()).toEqual({ type: 'rendezvous_ok', matches: [{ tag: t, clientId: owner.id }] });
    expect(await owner.c.next()).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: d1.id });
    d2.c.send({ type: 'rendezvous', tags: `~${t}` });
    expect(await d2.c.next()).toEqual({ type: 'rendezvous_ok', matches: [{ tag: t, clientId: owner.id }] });
    expect(await owner.c.next()).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: d2.id });
    await d1.c.nothing(); // d1 is not told about d2
    d2.c.send({ type: 'send', id: 'x', to: d1.id, data: 'hello other caller' });
    expect(await d2.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'x' });
    d2.c.send({ type: 'send', to: owner.id, data: 'hello owner' });
    expect(await owner.c.next()).toEqual({ type: 'message', from: d2.id, data: 'hello owner' });
    owner.c.send({ type: 'send', to: d1.id, data: 'hello d1' });
    expect(await d1.c.next()).toEqual({ type: 'message', from: owner.id, data: 'hello d1' });
    d2.c.close();
    expect(await owner.c.next()).toEqual({ type: 'rendezvous', event: 'leave', tag: t, clientId: d2.id });
    await d1.c.nothing();
    for (const x of [owner, d1]) x.c.close();
  });

  it('before login a rendezvous frame is a refused login', async () => {
    const { Client } = await import('./helpers.ts');
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'rendezvous', tags: tag() });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'login_required' });
    expect((await c.closed).code).toBe(4401);
  });
});

describe('parseTags', () => {
  it('accepts 0..max canonical 43-character tags and nothing else', () => {
    expect(parseTags('', 2)).toEqual({ tags: [], dial: new Set() });
    const t = tag();
    expect(parseTags(t, 2)).toEqual({ tags: [t], dial: new Set() });
    expect(parseTags(`~${t}`, 2)).toEqual({ tags: [t], dial: new Set([t]) });
    expect(parseTags(`~${t},${t}`, 2)).toBeUndefined(); // the same tag twice
    expect(parseTags(`~~${t}`, 2)).toBeUndefined();
    expect(parseTags(`${t},`, 2)).toBeUndefined();
    expect(parseTags(`${t}=`, 2)).toBeUndefined();
    expect(parseTags(`${t.slice(0, 42)}+`, 2)).toBeUndefined();
    expect(parseTags([tag(), tag(), tag()].join(','), 2)).toBeUndefined();
  });
});
