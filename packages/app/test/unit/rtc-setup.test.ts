// How the app starts WebRTC with a peer (src/core/rtc.ts rtcSetup): direct when this device does not hide
// its IP address; relay-only with the server's TURN credentials when it does; and when hiding but no TURN
// can be had — none on the server, credentials refused, server unreachable, a malformed answer — no
// direct config at all (`noRelay`), whatever the failure.
import { RelayError, type TurnServers } from '@sealpeer/client';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/core/config.ts';
import { rtcSetup } from '../../src/core/rtc.ts';

const config = (turn: boolean): AppConfig => ({
  server: 'http://127.0.0.1:8080',
  wsUrl: 'ws://127.0.0.1:8080/ws',
  iceServers: [{ urls: 'stun:stun.example:3478' }],
  keyshareUrls: [],
  turn,
});
const TURN: TurnServers = {
  ttl: 600,
  iceServers: [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1:c', credential: 'x' }],
};

function client(server: string, answer: () => Promise<TurnServers>) {
  const calls: string[] = [];
  return {
    calls,
    server,
    turnServers: () => {
      calls.push('turn');
      return answer();
    },
  };
}

describe('rtcSetup', () => {
  it('not hiding: the server’s ICE servers, no relay policy, no TURN request', async () => {
    const c = client('http://127.0.0.1:8080', async () => TURN);
    expect(await rtcSetup(false, c, config(true))).toEqual({
      config: { iceServers: [{ urls: 'stun:stun.example:3478' }] },
      relayOnly: false,
    });
    expect(c.calls).toEqual([]);
  });

  it('hiding: TURN servers only, iceTransportPolicy relay, relayOnly', async () => {
    const c = client('http://127.0.0.1:8080', async () => TURN);
    expect(await rtcSetup(true, c, config(true))).toEqual({
      config: { iceServers: TURN.iceServers, iceTransportPolicy: 'relay' },
      relayOnly: true,
    });
  });

  it('hiding on this app’s server without TURN: no relay, and no request bound to fail', async () => {
    const c = client('http://127.0.0.1:8080/', async () => TURN);
    expect(await rtcSetup(true, c, config(false))).toEqual({ noRelay: 'this server offers no TURN relay' });
    expect(c.calls).toEqual([]);
  });

  it.each([
    [
      'turn_disabled (another server)',
      new RelayError('relay_http_error', 'x', 'turn_disabled'),
      /offers no TURN relay/,
    ],
    [
      'auth_failed',
      new RelayError('relay_http_error', 'bad credential', 'auth_failed'),
      /no TURN credentials .*bad credential/,
    ],
    [
      'unreachable',
      new RelayError('relay_unreachable', 'cannot reach'),
      /no TURN credentials .*cannot reach/,
    ],
    [
      'a malformed answer',
      new RelayError('relay_bad_frame', 'ttl: expected seconds'),
      /ttl: expected seconds/,
    ],
    ['anything else', new TypeError('boom'), /boom/],
  ])('hiding, TURN fails with %s: noRelay, never a direct config', async (_what, err, message) => {
    const c = client('http://192.0.2.50:8080', async () => {
      throw err;
    });
    const setup = await rtcSetup(true, c, config(true));
    expect(setup).not.toHaveProperty('config');
    expect(setup).toEqual({ noRelay: expect.stringMatching(message) });
  });
});
