// APP messages that arrive before the application listens are held and handed to the first listener
// (docs/protocol.md 2.11; src/session/held-messages.ts).
import { describe, expect, it } from 'vitest';
import { HELD_MESSAGES_LIMIT, HeldMessages } from '../../src/session/held-messages.ts';
import { next, pairByInvite, text } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
const bytes = (s: string) => new TextEncoder().encode(s);
const tick = () => new Promise<void>((r) => queueMicrotask(r));

describe('HeldMessages', () => {
  it('delivers at once when someone listens and nothing is held', () => {
    const got: string[] = [];
    const h = new HeldMessages();
    expect(h.offer(bytes('a'), true, (m) => got.push(text(m)))).toBe(true);
    expect(got).toEqual(['a']);
  });

  it('holds without a listener and hands everything over in order, in a microtask', async () => {
    const got: string[] = [];
    const deliver = (m: Uint8Array) => got.push(text(m));
    const h = new HeldMessages();
    for (const s of ['1', '2', '3']) h.offer(bytes(s), false, deliver);
    expect(got).toEqual([]);
    h.schedule(deliver);
    // A message that arrives between the listener attaching and the flush waits behind the held ones.
    h.offer(bytes('4'), true, deliver);
    expect(got).toEqual([]);
    await tick();
    expect(got).toEqual(['1', '2', '3', '4']);
    h.offer(bytes('5'), true, deliver);
    expect(got).toEqual(['1', '2', '3', '4', '5']);
  });

  it(`refuses message ${HELD_MESSAGES_LIMIT + 1} while nobody listens`, () => {
    const h = new HeldMessages();
    for (let i = 0; i < HELD_MESSAGES_LIMIT; i++) expect(h.offer(bytes(`${i}`), false, () => {})).toBe(true);
    expect(h.offer(bytes('over'), false, () => {})).toBe(false);
  });
});

describe('a session holds messages until its first listener', () => {
  it('messages sent before the peer listened reach its first listener, first and in order', async () => {
    const p = await pairByInvite(server.url);
    try {
      for (const s of ['one', 'two', 'three']) p.a.send(s);
      // Let them cross the relay and be unsealed while B has no 'message' listener.
      await new Promise((r) => setTimeout(r, 500));
      const got: string[] = [];
      p.b.on('message', (m) => got.push(text(m)));
      p.a.send('four');
      while (got.length < 4) await next<[Uint8Array]>(p.b, 'message');
      expect(got).toEqual(['one', 'two', 'three', 'four']);
      expect(p.b.state).toBe('open');
    } finally {
      p.close();
    }
  });
});
