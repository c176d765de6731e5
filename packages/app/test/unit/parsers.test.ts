// What strangers control reaches the app through a few parsers: the server's /api/config, links and codes
// a user pastes. Each refuses wrong input instead of trusting it. (A peer's chat messages: @sealpeer/client
// decodeAppMessage, tested in packages/client/test/chat.)
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.ts';
import type { BadResponseError } from '../../src/core/validate.ts';
import { normaliseCode } from '../../src/screens/code-panel.ts';
import { parseOpenTarget } from '../../src/screens/home.ts';
import { formatRemaining } from '../../src/screens/invite-panel.ts';
import { hashOf, parseHash } from '../../src/ui/router.ts';

const ORIGIN = 'http://127.0.0.1:8080';
const CHANNEL = '3b1f6c2e-8a4d-4f7b-9c1e-2d5a6b7c8d9e';

describe('/api/config from the server', () => {
  it('takes a valid config', () => {
    const c = parseConfig(
      {
        wsUrl: 'ws://x/ws',
        iceServers: [{ urls: ['stun:s'], username: 'u', credential: 'c' }],
        keyshareUrls: ['http://k'],
      },
      ORIGIN,
    );
    expect(c.iceServers[0]).toEqual({ urls: ['stun:s'], username: 'u', credential: 'c' });
    expect(c.keyshareUrls).toEqual(['http://k']);
  });

  it('refuses wrong types, missing fields and oversize lists with a bad_response error', () => {
    const bad: unknown[] = [
      null,
      [],
      'x',
      { iceServers: [], keyshareUrls: [] },
      { wsUrl: 1, iceServers: [], keyshareUrls: [] },
      { wsUrl: 'ws://x', iceServers: [{ urls: 5 }], keyshareUrls: [] },
      { wsUrl: 'ws://x', iceServers: [], keyshareUrls: [7] },
      { wsUrl: 'ws://x', iceServers: Array(33).fill({ urls: 'stun:s' }), keyshareUrls: [] },
    ];
    for (const b of bad) {
      let err: unknown;
      try {
        parseConfig(b, ORIGIN);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(b)).toBeInstanceOf(Error);
      expect((err as BadResponseError).code).toBe('bad_response');
    }
  });
});

describe('links and codes a user pastes', () => {
  it('recognises channel links, invite links and channel ids, nothing else', () => {
    expect(parseOpenTarget(CHANNEL, ORIGIN)).toEqual({ kind: 'channel', channelId: CHANNEL });
    expect(parseOpenTarget(`${ORIGIN}/#/c/${CHANNEL}`, ORIGIN)).toEqual({
      kind: 'channel',
      channelId: CHANNEL,
    });
    expect(parseOpenTarget(`${ORIGIN}/p#AQID`, ORIGIN)).toEqual({ kind: 'invite', uri: `${ORIGIN}/p#AQID` });
    for (const bad of [
      '',
      'javascript:alert(1)',
      `${ORIGIN}/p`,
      `${ORIGIN}/#/c/not-a-uuid`,
      'http://[::1',
      `${ORIGIN}/x#/c/${CHANNEL}/y`,
    ]) {
      expect(parseOpenTarget(bad, ORIGIN), bad).toBeUndefined();
    }
  });

  it('normalises short codes and refuses anything that is not 9 digits', () => {
    expect(normaliseCode(' 123 456789 ')).toBe('123-456789');
    expect(normaliseCode('123-456789')).toBe('123-456789');
    for (const bad of ['', '12-3456789x', '1234567890', 'abc-defghi', '123-45678'])
      expect(normaliseCode(bad)).toBeUndefined();
  });

  it('routes round-trip and odd hashes do not throw', () => {
    expect(parseHash(hashOf('c', CHANNEL, 'ab12'))).toEqual({ name: 'c', args: [CHANNEL, 'ab12'] });
    expect(parseHash('#/c/%E0%A4%A')).toEqual({ name: 'c', args: ['%E0%A4%A'] });
    expect(parseHash('')).toEqual({ name: '', args: [] });
  });

  it('formats the invite countdown', () => {
    expect(formatRemaining(600_000)).toBe('10:00');
    expect(formatRemaining(61_001)).toBe('1:02');
    expect(formatRemaining(-5)).toBe('0:00');
  });
});
