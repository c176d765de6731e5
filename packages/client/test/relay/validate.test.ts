// Relay-assigned fields are validated at the connection boundary (docs/protocol.md Part 2, 2.8 "Relay
// input", src/relay/validate.ts): a hostile `from` / `clientId` / `channelId` is dropped, never crashes.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameType, frameToData, PairingPath } from '../../src/envelope/frame.ts';
import { inviteIdOf } from '../../src/pairing/context.ts';
import { isRelayId, isRelayIdList } from '../../src/relay/validate.ts';
import { fakeRelayClient } from '../support/fake-relay.ts';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

describe('relay ids', () => {
  it('accepts the UUIDs the server makes and nothing else', () => {
    expect(isRelayId(randomUUID())).toBe(true);
    for (const bad of [
      '',
      'mallory',
      randomUUID().toUpperCase(),
      `${randomUUID()} `,
      'a'.repeat(300),
      'é'.repeat(36),
      42,
      null,
      undefined,
      {},
    ])
      expect(isRelayId(bad), String(bad)).toBe(false);
    expect(isRelayIdList([randomUUID(), randomUUID()])).toBe(true);
    expect(isRelayIdList([randomUUID(), 'x'])).toBe(false);
    expect(isRelayIdList('x')).toBe(false);
  });
});

describe('hostile relay fields reach no handler', () => {
  it('a 300-byte `from` on a HELLO for a live invite: dropped, no RangeError, no session', async () => {
    const { client, socket } = await fakeRelayClient();
    closers.push(() => client.close());
    const inv = client.createInvite();
    const hello = frameToData({
      type: FrameType.HELLO,
      sid: new Uint8Array(16).fill(7),
      counter: 0n,
      body: new Uint8Array([PairingPath.INVITE, ...inviteIdOf(inv.payload.secret), ...new Uint8Array(96)]),
    });
    const sessions: unknown[] = [];
    client.on('session', (s) => sessions.push(s));
    expect(() =>
      socket.deliver(JSON.stringify({ type: 'message', from: 'a'.repeat(300), data: hello })),
    ).not.toThrow();
    expect(() =>
      socket.deliver(JSON.stringify({ type: 'message', from: 'é'.repeat(200), data: hello })),
    ).not.toThrow();
    expect(client.sessions()).toHaveLength(0);
    // The same HELLO with a well-formed `from` does reach the invite (an attempt starts).
    socket.deliver(JSON.stringify({ type: 'message', from: randomUUID(), data: hello }));
    expect(client.strayCount + client.sessions().length).toBeGreaterThan(0);
  });

  it('a presence frame with a hostile clientId is ignored', async () => {
    const { client, socket } = await fakeRelayClient();
    closers.push(() => client.close());
    const before = [...client.peers];
    socket.deliver(JSON.stringify({ type: 'presence', event: 'join', clientId: 'x'.repeat(300) }));
    socket.deliver(JSON.stringify({ type: 'presence', event: 'join', clientId: 7 }));
    expect([...client.peers]).toEqual(before);
    const id = randomUUID();
    socket.deliver(JSON.stringify({ type: 'presence', event: 'join', clientId: id }));
    expect(client.peers.has(id)).toBe(true);
  });
});
