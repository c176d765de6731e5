// No relay input can crash a client (docs/protocol.md Part 2, 2.8 "Relay input"): random and mutated
// relay frames fed to a client's relay handler, with live sessions of every path and state waiting on
// them, never make an exception escape (and never an unhandled rejection).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../../test-support/fuzz.ts';
import type { SealpeerClient } from '../../src/client.ts';
import { FrameType, frameToData, PairingPath } from '../../src/envelope/frame.ts';
import { inviteIdOf } from '../../src/pairing/context.ts';
import { type FakeRelaySocket, fakeRelayClient } from '../support/fake-relay.ts';

let client: SealpeerClient;
let socket: FakeRelaySocket;
let sids: Uint8Array[] = [];
let inviteId: Uint8Array;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  ({ client, socket } = await fakeRelayClient());
  const inv = client.createInvite();
  inviteId = inviteIdOf(inv.payload.secret);
  client.showCode();
  void client.joinWithCode('123-456789').catch(() => undefined);
  sids = client.sessions().map((s) => s.sid);
});
afterAll(() => {
  client.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

const peer = randomUUID();
const from = fc.oneof(
  fc.constant(peer),
  fc.uuid().map((u) => u.toLowerCase()),
  fc.string({ maxLength: 400 }),
  fc.constant('a'.repeat(300)),
  fc.constant('é'.repeat(200)),
  fc.integer(),
  fc.constant(null),
);

const sid = fc.oneof(
  fc.constant(undefined).map(() => sids[0] ?? new Uint8Array(16)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
);

/** A well-formed frame of any type, with body sizes around the valid ones (HELLO may name the invite). */
const frame = fc
  .record({
    type: fc.integer({ min: 1, max: 6 }),
    sid,
    counter: fc.bigInt({ min: 0n, max: 3n }),
    body: fc.uint8Array({ minLength: 0, maxLength: 400 }),
    invite: fc.boolean(),
  })
  .map(({ type, sid, counter, body, invite }) => {
    let b = body;
    if (type === FrameType.HELLO && invite) b = new Uint8Array([PairingPath.INVITE, ...inviteId, ...body]);
    if (type === FrameType.ABORT) b = body.subarray(0, 1).length ? body.subarray(0, 1) : new Uint8Array([8]);
    if (type === FrameType.PAKE1) b = new Uint8Array(36).map((_, i) => body[i] ?? i);
    if (type === FrameType.PAKE2) b = new Uint8Array(66).map((_, i) => body[i] ?? i);
    if (type === FrameType.SEALED && b.length < 272) b = new Uint8Array(272).map((_, i) => body[i] ?? 0);
    try {
      return frameToData({ type: type as never, sid, counter, body: b });
    } catch {
      return 'AQ';
    }
  });

/** A frame's data with one character changed, cut, or doubled. */
const mutated = fc.tuple(frame, fc.nat(), fc.constantFrom('flip', 'cut', 'double')).map(([d, at, how]) => {
  const i = at % Math.max(1, d.length);
  if (how === 'cut') return d.slice(0, i);
  if (how === 'double') return d + d;
  return d.slice(0, i) + (d[i] === 'A' ? 'B' : 'A') + d.slice(i + 1);
});

const data = fc.oneof(frame, mutated, fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null));

const relayFrame = fc.oneof(
  fc.record({ type: fc.constantFrom('message', 'publish'), from, data }).map((f) => JSON.stringify(f)),
  fc
    .record({
      // (`punt` is left out: it rightly takes the connection down, 2.13; it is fed once at the end.)
      type: fc.constantFrom('presence', 'peers', 'error', 'login_ok', 'echo', 'zzz'),
      event: fc.constantFrom('join', 'leave', 'x'),
      clientId: from,
      peers: fc.array(from, { maxLength: 3 }),
      code: fc.constantFrom('peer_not_found', 'rate_limited', 'x'),
      ref: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'zz'),
    })
    .map((f) => JSON.stringify(f)),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('null', '[]', '{"type":"message"}', '{', 'x'.repeat(70_000)),
);

describe('relay handler property', () => {
  it('random and mutated relay frames never throw out of the handler', () => {
    expect(sids.length).toBeGreaterThan(0);
    let n = 0;
    // Runs: test-support/fuzz.ts (10^4 here, ~3 600 cases/s; 10^6 in `npm run harden`).
    const runs = fuzz(
      'client.relay.handler',
      fc.property(relayFrame, (raw) => {
        n++;
        expect(() => socket.deliver(raw)).not.toThrow();
      }),
    );
    console.log(`relay frames fed: ${n}; dropped and counted: ${client.strayCount}`);
    expect(n).toBeGreaterThanOrEqual(runs);
    expect(client.relayState).toBe('connected');
    expect(client.strayCount).toBeGreaterThan(20);
    expect(() => socket.deliver('{"type":"punt"}')).not.toThrow();
  });

  it('nothing escaped asynchronously either', async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });
});
